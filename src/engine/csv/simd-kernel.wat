;; WebAssembly SIMD kernel of the CSV record counter (src/engine/csv/record-counter.ts).
;;
;; Compiled by scripts/build-wasm.mjs (wabt) into simd-kernel.wasm.ts; a test checks that the
;; committed module is a fresh compile of this file. The counter calls scan() for the data
;; after the header record, one slice at a time; the header itself, the BOM and finish()
;; stay in JS. The semantics are exactly those of the counter's JS byte loop (the reference
;; of the tests); only the representation of the state between bytes differs.
;;
;; Memory layout (set by the JS side; only the state block is fixed):
;;   [0, 144)          state, 18 f64 (integers held exactly, < 2^53), read on entry, written on exit:
;;                      0 q        0 unquoted, 1 quoted, 2 quoted and the last byte was a `"` that
;;                                 the next byte resolves (`""` or the closing quote); the JS
;;                                 modes UNQUOTED, QUOTED, QUOTE_PENDING have the same numbers
;;                      8 fs       (q = 0) the last byte was a delimiter, LF or CR outside quotes,
;;                                 or nothing yet: a `"` next opens a quoted field
;;                     16 rs       at the start of a record (the last byte ended one)
;;                     24 acr      the last byte was a CR terminator (an LF next makes it CRLF)
;;                     32 qcr      the last byte was a CR inside quotes (an LF next is the same line break)
;;                     40 delim    the delimiter byte (input only)
;;                     48 hdr      the header's field count (input only)
;;                     56 left     malformed records still to describe
;;                     64 delims   delimiters so far in the current record
;;                     72 records  data records
;;                     80 bad      malformed records
;;                     88 breaks   physical line breaks so far (inside quotes too)
;;                     96 recBreaks  line breaks before the current record
;;                    104 nLF, 112 nCRLF, 120 nCR   terminators outside quotes
;;                    128 quote    the quote byte, or -1 when fields are never quoted (input only)
;;                    136 ends     terminators written to [$tp, ...) by this call (output only)
;;   [$sp, ...)        malformed-record samples written by this call: f64 triples (record,
;;                     fields, line); the return value is how many (at most "left").
;;   [$p, $p + $n)     the bytes to scan.
;;   [$tp, ...)        the address of every record terminator outside quotes, i32 each, in
;;                     order (blank lines' too; a CRLF by its CR or its LF, whichever the path
;;                     walks): a reader of the records' first fields (the extracts' account ids)
;;                     jumps from one to the next instead of looking for the ends again.
;;
;; How: 64 bytes at a time, four v128 loads compared with i8x16.eq against LF, CR, the quote and
;; the delimiter, turned into 64-bit masks with i8x16.bitmask. (`"` below stands for the quote
;; byte; without one, the quote compares are masked to nothing and the byte loop never matches
;; it, so no field is ever quoted.)
;; - Fast path (outside quotes, no `"` in the block, every CR followed by an LF; the common
;;   case): every LF (or CRLF) ends a record or an empty line; the field count is the popcnt of
;;   the delimiter bits since the previous terminator; the terminators are walked with ctz.
;; - General path (quotes, lone CRs, inside quotes): the inside-quotes mask is all ones or all
;;   zeros in a block without quotes, else the prefix XOR of the quote mask (an opening quote
;;   counts as inside, a closing one as outside; `""` inside quotes is a close and a reopen,
;;   which parity gets right for free). That reading is the RFC 4180 one only if
;;   every quote that parity makes opening is the first byte of a field (after a delimiter,
;;   LF or CR outside quotes) or follows a closing quote (`""`); otherwise a quote is a
;;   literal inside an unquoted field (lenient rule) and the block goes to the byte loop. A CR
;;   as the block's last byte also does (its LF would be in the next block). Terminators are
;;   LF, lone CR and CRLF outside quotes (the CR stands for the pair); line breaks inside quotes
;;   are counted by popcnt (CR, and LF not after a CR).
;; - Byte loop: the last (< 64) bytes, the blocks above, and one byte after a CR that ended a
;;   slice or a byte-loop stretch (it may be the LF of a CRLF).
;; The block state between blocks is the byte loop's (q, fs, rs, acr, qcr: all derived from the
;; block's last byte), so the paths mix freely. The 64-bit masks are spelled out each time: V8
;; 11.3 (Node 20) does not inline wasm calls, and a helper function cost 25%.
(module
  (memory (export "memory") 1)

  ;; Malformed-record bookkeeping (rare: out of the hot locals).
  (global $bad (mut i64) (i64.const 0))
  (global $left (mut i32) (i32.const 0))
  (global $ns (mut i32) (i32.const 0))
  (global $sp (mut i32) (i32.const 0))

  ;; A record whose field count differs from the header's: count it, and describe it while
  ;; sample slots are left.
  (func $malformed (param $record i64) (param $fields i64) (param $line i64)
    (local $a i32)
    (global.set $bad (i64.add (global.get $bad) (i64.const 1)))
    (if (i32.gt_s (global.get $left) (i32.const 0))
      (then
        (local.set $a (i32.add (global.get $sp) (i32.mul (global.get $ns) (i32.const 24))))
        (f64.store (local.get $a) (f64.convert_i64_s (local.get $record)))
        (f64.store offset=8 (local.get $a) (f64.convert_i64_s (local.get $fields)))
        (f64.store offset=16 (local.get $a) (f64.convert_i64_s (local.get $line)))
        (global.set $ns (i32.add (global.get $ns) (i32.const 1)))
        (global.set $left (i32.sub (global.get $left) (i32.const 1))))))

  (func (export "scan") (param $p i32) (param $n i32) (param $sp i32) (param $tp i32) (result i32)
    (local $tw i32) (local $end i32) (local $stop i32) (local $c i32)
    (local $q i32) (local $fs i32) (local $rs i32) (local $acr i32) (local $qcr i32) (local $delim i32)
    (local $quote i32) (local $vQM v128) (local $qm i64)
    (local $hdr i64) (local $delims i64) (local $records i64) (local $breaks i64) (local $recBreaks i64)
    (local $nLF i64) (local $nCRLF i64) (local $nCR i64)
    (local $vLF v128) (local $vCR v128) (local $vQT v128) (local $vDL v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $lf i64) (local $dl i64) (local $cr i64) (local $qt i64)
    (local $in i64) (local $sep i64) (local $clo i64) (local $qb i64)
    (local $e i64) (local $t i64) (local $bit i64) (local $below i64) (local $rsPos i64) (local $after i64)
    (local $f i64)

    ;; --- load the state
    (local.set $q (i32.trunc_f64_s (f64.load offset=0 (i32.const 0))))
    (local.set $fs (i32.trunc_f64_s (f64.load offset=8 (i32.const 0))))
    (local.set $rs (i32.trunc_f64_s (f64.load offset=16 (i32.const 0))))
    (local.set $acr (i32.trunc_f64_s (f64.load offset=24 (i32.const 0))))
    (local.set $qcr (i32.trunc_f64_s (f64.load offset=32 (i32.const 0))))
    (local.set $delim (i32.trunc_f64_s (f64.load offset=40 (i32.const 0))))
    (local.set $quote (i32.trunc_f64_s (f64.load offset=128 (i32.const 0))))
    (local.set $hdr (i64.trunc_f64_s (f64.load offset=48 (i32.const 0))))
    (global.set $left (i32.trunc_f64_s (f64.load offset=56 (i32.const 0))))
    (local.set $delims (i64.trunc_f64_s (f64.load offset=64 (i32.const 0))))
    (local.set $records (i64.trunc_f64_s (f64.load offset=72 (i32.const 0))))
    (global.set $bad (i64.trunc_f64_s (f64.load offset=80 (i32.const 0))))
    (local.set $breaks (i64.trunc_f64_s (f64.load offset=88 (i32.const 0))))
    (local.set $recBreaks (i64.trunc_f64_s (f64.load offset=96 (i32.const 0))))
    (local.set $nLF (i64.trunc_f64_s (f64.load offset=104 (i32.const 0))))
    (local.set $nCRLF (i64.trunc_f64_s (f64.load offset=112 (i32.const 0))))
    (local.set $nCR (i64.trunc_f64_s (f64.load offset=120 (i32.const 0))))
    (global.set $sp (local.get $sp))
    (global.set $ns (i32.const 0))
    (local.set $tw (local.get $tp))

    (local.set $vLF (i8x16.splat (i32.const 0x0a)))
    (local.set $vCR (i8x16.splat (i32.const 0x0d)))
    (local.set $vQT (i8x16.splat (local.get $quote)))
    ;; quote compares count only with a quote character (all ones), else never (zero)
    (local.set $vQM (i8x16.splat (i32.sub (i32.const 0) (i32.ge_s (local.get $quote) (i32.const 0)))))
    (local.set $qm (i64.extend_i32_s (i32.sub (i32.const 0) (i32.ge_s (local.get $quote) (i32.const 0)))))
    (local.set $vDL (i8x16.splat (local.get $delim)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))

    (block $done
      (loop $main
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; Where a byte-loop stretch would stop: the end of this block, or the end.
        (local.set $stop
          (select (local.get $end) (i32.add (local.get $p) (i32.const 64))
            (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 64))))
        (block $bytes
          ;; After a CR: one byte in the byte loop (a CRLF, inside or outside quotes).
          (if (i32.or (local.get $acr) (local.get $qcr))
            (then
              (local.set $stop (i32.add (local.get $p) (i32.const 1)))
              (br $bytes)))
          (br_if $bytes (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 64)))

          (local.set $v0 (v128.load offset=0 align=1 (local.get $p)))
          (local.set $v1 (v128.load offset=16 align=1 (local.get $p)))
          (local.set $v2 (v128.load offset=32 align=1 (local.get $p)))
          (local.set $v3 (v128.load offset=48 align=1 (local.get $p)))
          (local.set $lf
            (i64.or
              (i64.extend_i32_u
                (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vLF)))
                  (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vLF))) (i32.const 16))))
              (i64.shl
                (i64.extend_i32_u
                  (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vLF)))
                    (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vLF))) (i32.const 16))))
                (i64.const 32))))
          (local.set $dl
            (i64.or
              (i64.extend_i32_u
                (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vDL)))
                  (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vDL))) (i32.const 16))))
              (i64.shl
                (i64.extend_i32_u
                  (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vDL)))
                    (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vDL))) (i32.const 16))))
                (i64.const 32))))

          ;; ---- fast path: outside quotes, no `"` in the block, every CR the first half of a CRLF
          (block $general
            (br_if $general
              (i32.or (local.get $q)
                (v128.any_true
                  (v128.and (local.get $vQM)
                    (v128.or
                      (v128.or (i8x16.eq (local.get $v0) (local.get $vQT)) (i8x16.eq (local.get $v1) (local.get $vQT)))
                      (v128.or (i8x16.eq (local.get $v2) (local.get $vQT)) (i8x16.eq (local.get $v3) (local.get $vQT))))))))
            (local.set $cr (i64.const 0))
            (if (v128.any_true
                  (v128.or
                    (v128.or (i8x16.eq (local.get $v0) (local.get $vCR)) (i8x16.eq (local.get $v1) (local.get $vCR)))
                    (v128.or (i8x16.eq (local.get $v2) (local.get $vCR)) (i8x16.eq (local.get $v3) (local.get $vCR)))))
              (then
                (local.set $cr
                  (i64.or
                    (i64.extend_i32_u
                      (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vCR)))
                        (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vCR))) (i32.const 16))))
                    (i64.shl
                      (i64.extend_i32_u
                        (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vCR)))
                          (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vCR))) (i32.const 16))))
                      (i64.const 32))))
                (br_if $general
                  (i64.ne (i64.and (local.get $cr) (i64.xor (i64.shr_u (local.get $lf) (i64.const 1)) (i64.const -1)))
                    (i64.const 0)))))
            ;; Terminators: the LFs (a CRLF's CR is just before its LF: the record ends there).
            (if (i64.eqz (local.get $lf))
              (then
                ;; no record ends here
                (local.set $delims (i64.add (local.get $delims) (i64.popcnt (local.get $dl))))
                (local.set $fs (i32.wrap_i64 (i64.shr_u (local.get $dl) (i64.const 63))))
                (local.set $rs (i32.const 0)))
              (else
                (local.set $nCRLF (i64.add (local.get $nCRLF) (i64.popcnt (local.get $cr))))
                (local.set $nLF
                  (i64.add (local.get $nLF) (i64.sub (i64.popcnt (local.get $lf)) (i64.popcnt (local.get $cr)))))
                ;; CR bits moved onto their LF
                (local.set $cr (i64.shl (local.get $cr) (i64.const 1)))
                ;; $rsPos: where the current record starts in the block (-1: before it)
                (local.set $rsPos (select (i64.const 0) (i64.const -1) (local.get $rs)))
                (loop $lfs
                  (local.set $t (i64.ctz (local.get $lf)))
                  (local.set $bit (i64.shl (i64.const 1) (local.get $t)))
                  (local.set $below (i64.and (local.get $dl) (i64.sub (local.get $bit) (i64.const 1))))
                  (local.set $dl (i64.xor (local.get $dl) (local.get $below)))
                  (local.set $breaks (i64.add (local.get $breaks) (i64.const 1)))
                  (i32.store (local.get $tw) (i32.add (local.get $p) (i32.wrap_i64 (local.get $t))))
                  (local.set $tw (i32.add (local.get $tw) (i32.const 4)))
                  ;; a record ended, unless the terminator (LF, or the CR of a CRLF) is at the record start: an empty line
                  (if (i64.ne
                        (i64.sub (local.get $t) (i64.and (i64.shr_u (local.get $cr) (local.get $t)) (i64.const 1)))
                        (local.get $rsPos))
                    (then
                      (local.set $records (i64.add (local.get $records) (i64.const 1)))
                      (local.set $f
                        (i64.add (i64.add (local.get $delims) (i64.popcnt (local.get $below))) (i64.const 1)))
                      (if (i64.ne (local.get $f) (local.get $hdr))
                        (then
                          (call $malformed (local.get $records) (local.get $f)
                            (i64.add (local.get $recBreaks) (i64.const 1)))))))
                  (local.set $delims (i64.const 0))
                  (local.set $rsPos (i64.add (local.get $t) (i64.const 1)))
                  (local.set $recBreaks (local.get $breaks))
                  (local.set $lf (i64.and (local.get $lf) (i64.sub (local.get $lf) (i64.const 1))))
                  (br_if $lfs (i64.ne (local.get $lf) (i64.const 0))))
                (local.set $delims (i64.add (local.get $delims) (i64.popcnt (local.get $dl))))
                (local.set $rs (i64.eq (local.get $rsPos) (i64.const 64)))
                (local.set $fs
                  (i32.or (local.get $rs) (i32.wrap_i64 (i64.shr_u (local.get $dl) (i64.const 63)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (br $main))

          ;; ---- general path
          (local.set $cr
            (i64.or
              (i64.extend_i32_u
                (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vCR)))
                  (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vCR))) (i32.const 16))))
              (i64.shl
                (i64.extend_i32_u
                  (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vCR)))
                    (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vCR))) (i32.const 16))))
                (i64.const 32))))
          (local.set $qt
            (i64.and (local.get $qm)
              (i64.or
                (i64.extend_i32_u
                  (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vQT)))
                    (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vQT))) (i32.const 16))))
                (i64.shl
                  (i64.extend_i32_u
                    (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vQT)))
                      (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vQT))) (i32.const 16))))
                  (i64.const 32)))))
          ;; a CR as the last byte: its LF, if any, is in the next block
          (br_if $bytes (i64.lt_s (local.get $cr) (i64.const 0)))
          (if (i64.eqz (local.get $qt))
            (then
              ;; no quote (CRLF data, or quoted text with line breaks): the block is all inside
              ;; or all outside quotes (q = 2 is outside: its quote closed)
              (local.set $in (i64.extend_i32_s (i32.sub (i32.const 0) (i32.eq (local.get $q) (i32.const 1)))))
              (local.set $clo (i64.const 0))
              (local.set $sep
                (i64.and
                  (i64.or (i64.or (local.get $dl) (local.get $lf)) (local.get $cr))
                  (i64.xor (local.get $in) (i64.const -1)))))
            (else
              ;; inside quotes at byte j: prefix XOR of the quotes (inclusive), flipped when the block starts quoted
              (local.set $in (i64.xor (local.get $qt) (i64.shl (local.get $qt) (i64.const 1))))
              (local.set $in (i64.xor (local.get $in) (i64.shl (local.get $in) (i64.const 2))))
              (local.set $in (i64.xor (local.get $in) (i64.shl (local.get $in) (i64.const 4))))
              (local.set $in (i64.xor (local.get $in) (i64.shl (local.get $in) (i64.const 8))))
              (local.set $in (i64.xor (local.get $in) (i64.shl (local.get $in) (i64.const 16))))
              (local.set $in (i64.xor (local.get $in) (i64.shl (local.get $in) (i64.const 32))))
              (if (i32.eq (local.get $q) (i32.const 1))
                (then (local.set $in (i64.xor (local.get $in) (i64.const -1)))))
              (local.set $clo (i64.and (local.get $qt) (i64.xor (local.get $in) (i64.const -1))))
              (local.set $sep
                (i64.and
                  (i64.or (i64.or (local.get $dl) (local.get $lf)) (local.get $cr))
                  (i64.xor (local.get $in) (i64.const -1))))
              ;; Every opening quote must start a field: follow a separator outside quotes, a closing
              ;; quote (`""`), or, at byte 0, the state before the block (q = 2: a `"` that parity
              ;; closes was the last byte; q = 0: fs).
              (br_if $bytes
                (i64.ne
                  (i64.and
                    (i64.and (local.get $qt) (local.get $in))
                    (i64.xor
                      (i64.or
                        (i64.shl (i64.or (local.get $sep) (local.get $clo)) (i64.const 1))
                        (i64.extend_i32_u
                          (i32.or
                            (i32.eq (local.get $q) (i32.const 2))
                            (i32.and (i32.eqz (local.get $q)) (local.get $fs)))))
                      (i64.const -1)))
                  (i64.const 0)))))
          ;; line breaks inside quotes: CR, and LF not after a CR
          (local.set $qb
            (i64.and (local.get $in)
              (i64.or (local.get $cr)
                (i64.and (local.get $lf) (i64.xor (i64.shl (local.get $cr) (i64.const 1)) (i64.const -1))))))
          ;; from here on: the bytes outside quotes
          (local.set $lf (i64.and (local.get $lf) (i64.xor (local.get $in) (i64.const -1))))
          (local.set $cr (i64.and (local.get $cr) (i64.xor (local.get $in) (i64.const -1))))
          (local.set $dl (i64.and (local.get $dl) (i64.xor (local.get $in) (i64.const -1))))
          ;; terminators: every CR (a CRLF is its CR), LF not after a CR
          (local.set $e
            (i64.or (local.get $cr)
              (i64.and (local.get $lf) (i64.xor (i64.shl (local.get $cr) (i64.const 1)) (i64.const -1)))))
          (local.set $rsPos (select (i64.const 0) (i64.const -1) (local.get $rs)))
          (if (i64.ne (local.get $e) (i64.const 0))
            (then
              (loop $terms
                (local.set $t (i64.ctz (local.get $e)))
                (local.set $bit (i64.shl (i64.const 1) (local.get $t)))
                (local.set $below (i64.and (local.get $dl) (i64.sub (local.get $bit) (i64.const 1))))
                (local.set $dl (i64.xor (local.get $dl) (local.get $below)))
                ;; quoted line breaks before this terminator, then the terminator
                (local.set $f (i64.and (local.get $qb) (i64.sub (local.get $bit) (i64.const 1))))
                (local.set $qb (i64.xor (local.get $qb) (local.get $f)))
                (local.set $breaks (i64.add (local.get $breaks) (i64.add (i64.popcnt (local.get $f)) (i64.const 1))))
                (local.set $after (i64.add (local.get $t) (i64.const 1)))
                (i32.store (local.get $tw) (i32.add (local.get $p) (i32.wrap_i64 (local.get $t))))
                (local.set $tw (i32.add (local.get $tw) (i32.const 4)))
                (if (i64.ne (i64.and (local.get $lf) (local.get $bit)) (i64.const 0))
                  (then (local.set $nLF (i64.add (local.get $nLF) (i64.const 1))))
                  (else
                    (if (i64.ne (i64.and (local.get $lf) (i64.shl (local.get $bit) (i64.const 1))) (i64.const 0))
                      (then
                        (local.set $nCRLF (i64.add (local.get $nCRLF) (i64.const 1)))
                        (local.set $after (i64.add (local.get $t) (i64.const 2))))
                      (else (local.set $nCR (i64.add (local.get $nCR) (i64.const 1)))))))
                (if (i64.ne (local.get $t) (local.get $rsPos))
                  (then
                    (local.set $records (i64.add (local.get $records) (i64.const 1)))
                    (local.set $f
                      (i64.add (i64.add (local.get $delims) (i64.popcnt (local.get $below))) (i64.const 1)))
                    (if (i64.ne (local.get $f) (local.get $hdr))
                      (then
                        (call $malformed (local.get $records) (local.get $f)
                          (i64.add (local.get $recBreaks) (i64.const 1)))))))
                (local.set $delims (i64.const 0))
                (local.set $rsPos (local.get $after))
                (local.set $recBreaks (local.get $breaks))
                (local.set $e (i64.and (local.get $e) (i64.sub (local.get $e) (i64.const 1))))
                (br_if $terms (i64.ne (local.get $e) (i64.const 0))))))
          (local.set $breaks (i64.add (local.get $breaks) (i64.popcnt (local.get $qb))))
          (local.set $delims (i64.add (local.get $delims) (i64.popcnt (local.get $dl))))
          ;; the state after the block's last byte
          (local.set $q
            (select (i32.const 2)
              (i32.wrap_i64 (i64.shr_u (local.get $in) (i64.const 63)))
              (i64.lt_s (local.get $clo) (i64.const 0))))
          (local.set $fs (i32.wrap_i64 (i64.shr_u (local.get $sep) (i64.const 63))))
          (local.set $rs (i64.eq (local.get $rsPos) (i64.const 64)))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br $main))

        ;; ---- byte loop over [$p, $stop): the JS byte loop, state machine form
        (loop $byte
          (local.set $c (i32.load8_u (local.get $p)))
          (block $next
            (if (i32.eq (local.get $q) (i32.const 2))
              (then
                (if (i32.eq (local.get $c) (local.get $quote))
                  (then
                    (local.set $q (i32.const 1)) ;; `""`: a literal quote
                    (br $next)))
                (local.set $q (i32.const 0)) ;; the quote before closed the field
                (local.set $fs (i32.const 0))))
            (if (i32.eqz (local.get $q))
              (then
                (if (i32.eq (local.get $c) (local.get $delim))
                  (then
                    (local.set $delims (i64.add (local.get $delims) (i64.const 1)))
                    (local.set $fs (i32.const 1))
                    (local.set $rs (i32.const 0))
                    (local.set $acr (i32.const 0))
                    (br $next)))
                (if (i32.eq (local.get $c) (local.get $quote))
                  (then
                    ;; opens a quoted field at the start of a field; else a literal
                    (local.set $q (local.get $fs))
                    (local.set $fs (i32.const 0))
                    (local.set $rs (i32.const 0))
                    (local.set $acr (i32.const 0))
                    (br $next)))
                (block $term
                  (if (i32.eq (local.get $c) (i32.const 0x0a))
                    (then
                      (if (local.get $acr)
                        (then
                          ;; second half of a CRLF whose CR ended the record
                          (local.set $nCR (i64.sub (local.get $nCR) (i64.const 1)))
                          (local.set $nCRLF (i64.add (local.get $nCRLF) (i64.const 1)))
                          (local.set $acr (i32.const 0))
                          (br $next)))
                      (local.set $nLF (i64.add (local.get $nLF) (i64.const 1)))
                      (br $term)))
                  (if (i32.eq (local.get $c) (i32.const 0x0d))
                    (then
                      (local.set $nCR (i64.add (local.get $nCR) (i64.const 1)))
                      (local.set $acr (i32.const 1))
                      (br $term)))
                  ;; any other byte
                  (local.set $fs (i32.const 0))
                  (local.set $rs (i32.const 0))
                  (local.set $acr (i32.const 0))
                  (br $next))
                ;; a terminator (LF, or CR: $acr is set for it)
                (local.set $breaks (i64.add (local.get $breaks) (i64.const 1)))
                (i32.store (local.get $tw) (local.get $p))
                (local.set $tw (i32.add (local.get $tw) (i32.const 4)))
                (if (i32.eqz (local.get $rs))
                  (then
                    (local.set $records (i64.add (local.get $records) (i64.const 1)))
                    (local.set $f (i64.add (local.get $delims) (i64.const 1)))
                    (if (i64.ne (local.get $f) (local.get $hdr))
                      (then
                        (call $malformed (local.get $records) (local.get $f)
                          (i64.add (local.get $recBreaks) (i64.const 1)))))))
                (local.set $delims (i64.const 0))
                (local.set $rs (i32.const 1))
                (local.set $fs (i32.const 1))
                (local.set $recBreaks (local.get $breaks))
                (br $next)))
            ;; q = 1: inside quotes
            (if (i32.eq (local.get $c) (local.get $quote))
              (then
                (local.set $q (i32.const 2))
                (local.set $qcr (i32.const 0))
                (br $next)))
            (if (i32.eq (local.get $c) (i32.const 0x0a))
              (then
                (if (i32.eqz (local.get $qcr))
                  (then (local.set $breaks (i64.add (local.get $breaks) (i64.const 1)))))
                (local.set $qcr (i32.const 0))
                (br $next)))
            (if (i32.eq (local.get $c) (i32.const 0x0d))
              (then
                (local.set $breaks (i64.add (local.get $breaks) (i64.const 1)))
                (local.set $qcr (i32.const 1))
                (br $next)))
            (local.set $qcr (i32.const 0)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $byte (i32.lt_u (local.get $p) (local.get $stop))))
        (br $main)))

    ;; --- store the state
    (f64.store offset=0 (i32.const 0) (f64.convert_i32_s (local.get $q)))
    (f64.store offset=8 (i32.const 0) (f64.convert_i32_s (local.get $fs)))
    (f64.store offset=16 (i32.const 0) (f64.convert_i32_s (local.get $rs)))
    (f64.store offset=24 (i32.const 0) (f64.convert_i32_s (local.get $acr)))
    (f64.store offset=32 (i32.const 0) (f64.convert_i32_s (local.get $qcr)))
    (f64.store offset=56 (i32.const 0) (f64.convert_i32_s (global.get $left)))
    (f64.store offset=64 (i32.const 0) (f64.convert_i64_s (local.get $delims)))
    (f64.store offset=72 (i32.const 0) (f64.convert_i64_s (local.get $records)))
    (f64.store offset=80 (i32.const 0) (f64.convert_i64_s (global.get $bad)))
    (f64.store offset=88 (i32.const 0) (f64.convert_i64_s (local.get $breaks)))
    (f64.store offset=96 (i32.const 0) (f64.convert_i64_s (local.get $recBreaks)))
    (f64.store offset=104 (i32.const 0) (f64.convert_i64_s (local.get $nLF)))
    (f64.store offset=112 (i32.const 0) (f64.convert_i64_s (local.get $nCRLF)))
    (f64.store offset=120 (i32.const 0) (f64.convert_i64_s (local.get $nCR)))
    (f64.store offset=136 (i32.const 0)
      (f64.convert_i32_u (i32.shr_u (i32.sub (local.get $tw) (local.get $tp)) (i32.const 2))))
    (global.get $ns)))
