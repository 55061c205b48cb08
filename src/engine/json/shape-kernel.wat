;; WebAssembly kernel of the JSON counter's fast path (src/engine/json/shape.ts, RecordShape
;; match): JSON lines of the learned shape validated and compared in bulk, a chunk's worth per
;; call. Compiled by scripts/build-wasm.mjs (wabt) into shape-kernel.wasm.ts; a test checks
;; that the committed module is a fresh compile of this file.
;;
;; The semantics are exactly those of RecordShape.run() in match mode (the JS reference, which
;; the tests hold this to), over lines cut as JsonRecordSplitter.pushLines() and endRecord()
;; cut them: a line ends at LF; trailing CR, space and tab and leading space, tab and CR are not
;; part of the record; a line of nothing else is blank (no record). learn() stays in JS: the
;; shape is copied in after each learn (json/shape-wasm.ts).
;;
;; Memory layout (JS writes the shape and the bytes; layout constants are in shape-wasm.ts):
;;   0 stop     (out) where the call stopped: the first line it did not take
;;   4 reason   (out) 0 no LF after stop (a cut line: the caller decides), 1 the line at stop
;;              is not of the shape (or not valid), 2 out of room for ids
;;   8 len      the shape tape's length (the shape's marks and key bytes, as RecordShape.tape)
;;  12 nKeys    the shape's keys (nested ones too)
;;  16 idOrd    the top-level key (by position) whose string value is the id; -1 none
;;  64..128     the containers open inside a value (value()): 1 object, 2 array
;;  KEYLENS     i32 per key: its byte length
;;  TAPE        the tape's bytes
;;  [$out ...)  per record taken: the id's string contents [from, to) as two i32 (from -1: none)
;;  [$p, $p+$n) the bytes, followed by at least 16 readable bytes (v128 loads may read past)
(module
  (memory (export "memory") 10)

  (global $idFrom (mut i32) (i32.const -1))
  (global $idTo (mut i32) (i32.const -1))

  ;; The first byte at or after $i that is not whitespace (or $to). Callers test the first
  ;; byte inline (compact JSON has no whitespace: no call at all).
  (func $ws (param $i i32) (param $to i32) (result i32)
    (local $c i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 0x20)))
        (br_if $done
          (i32.eqz
            (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
              (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))

  (func $isHex (param $c i32) (result i32)
    (i32.or
      (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10))
      (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))

  (func $isDigit (param $c i32) (result i32)
    (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10)))

  ;; The closing quote of the JSON string opening at $i (a quote), or -1 when it is not a valid
  ;; one (shape.ts stringEnd). Plain bytes are skipped 16 at a time: a v128 compare finds the
  ;; next quote, backslash or control byte.
  (func $stringEnd (param $i i32) (param $to i32) (result i32)
    (local $c i32) (local $e i32) (local $m i32) (local $v v128)
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (loop $l
      (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
      (local.set $v (v128.load align=1 (local.get $i)))
      (local.set $m
        (i8x16.bitmask
          (v128.or
            (v128.or
              (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
              (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
            (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
      (if (i32.eqz (local.get $m))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $l)))
      (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
      (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (local.get $i))))
      (if (i32.lt_u (local.get $c) (i32.const 0x20)) (then (return (i32.const -1))))
      ;; a backslash: an escape
      (if (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $to)) (then (return (i32.const -1))))
      (local.set $e (i32.load8_u offset=1 (local.get $i)))
      (if (i32.eq (local.get $e) (i32.const 0x75))
        (then
          (if (i32.ge_u (i32.add (local.get $i) (i32.const 5)) (local.get $to)) (then (return (i32.const -1))))
          (if (i32.eqz
                (i32.and
                  (i32.and (call $isHex (i32.load8_u offset=2 (local.get $i))) (call $isHex (i32.load8_u offset=3 (local.get $i))))
                  (i32.and (call $isHex (i32.load8_u offset=4 (local.get $i))) (call $isHex (i32.load8_u offset=5 (local.get $i))))))
            (then (return (i32.const -1))))
          (local.set $i (i32.add (local.get $i) (i32.const 6)))
          (br $l)))
      (if (i32.or
            (i32.or
              (i32.or (i32.eq (local.get $e) (i32.const 0x22)) (i32.eq (local.get $e) (i32.const 0x5c)))
              (i32.or (i32.eq (local.get $e) (i32.const 0x2f)) (i32.eq (local.get $e) (i32.const 0x62))))
            (i32.or
              (i32.or (i32.eq (local.get $e) (i32.const 0x66)) (i32.eq (local.get $e) (i32.const 0x6e)))
              (i32.or (i32.eq (local.get $e) (i32.const 0x72)) (i32.eq (local.get $e) (i32.const 0x74)))))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br $l)))
      (return (i32.const -1)))
    (unreachable))

  ;; A number from $i (its first byte is '-' or a digit); the index past it, or -1.
  (func $number (param $i i32) (param $to i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $i)))
    (if (i32.eq (local.get $c) (i32.const 0x2d))
      (then
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
        (local.set $c (i32.load8_u (local.get $i)))))
    (if (i32.eq (local.get $c) (i32.const 0x30))
      (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
      (else
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 0x31)) (i32.const 9))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $i) (local.get $to)))
              (br_if $d (i32.eqz (call $isDigit (i32.load8_u (local.get $i)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $l))))
          (else (return (i32.const -1))))))
    ;; a fraction
    (if (i32.lt_u (local.get $i) (local.get $to))
      (then
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2e))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
            (if (i32.eqz (call $isDigit (i32.load8_u (local.get $i)))) (then (return (i32.const -1))))
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $i) (local.get $to)))
              (br_if $d (i32.eqz (call $isDigit (i32.load8_u (local.get $i)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $l)))))))
    ;; an exponent
    (if (i32.lt_u (local.get $i) (local.get $to))
      (then
        (if (i32.eq (i32.or (i32.load8_u (local.get $i)) (i32.const 0x20)) (i32.const 0x65))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.lt_u (local.get $i) (local.get $to))
              (then
                (local.set $c (i32.load8_u (local.get $i)))
                (if (i32.or (i32.eq (local.get $c) (i32.const 0x2b)) (i32.eq (local.get $c) (i32.const 0x2d)))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
            (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
            (if (i32.eqz (call $isDigit (i32.load8_u (local.get $i)))) (then (return (i32.const -1))))
            (block $d (loop $l
              (br_if $d (i32.ge_u (local.get $i) (local.get $to)))
              (br_if $d (i32.eqz (call $isDigit (i32.load8_u (local.get $i)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $l)))))))
    (local.get $i))

  ;; A key (a valid string), whitespace, ':' and whitespace, from $i; the index of its value, or -1.
  (func $objectKey (param $i i32) (param $to i32) (result i32)
    (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x22)) (then (return (i32.const -1))))
    (local.set $i (call $stringEnd (local.get $i) (local.get $to)))
    (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
    (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x3a)) (then (return (i32.const -1))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
    (local.get $i))

  ;; One value from $i (an object here is opaque: inside an array); the index past it, or -1
  ;; (shape.ts value()).
  (func $value (param $i i32) (param $to i32) (result i32)
    (local $depth i32) (local $c i32) (local $t i32) (local $close i32)
    (loop $atValue
      (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $i)))
      (block $after
        (if (i32.eq (local.get $c) (i32.const 0x22))
          (then
            (local.set $i (call $stringEnd (local.get $i) (local.get $to)))
            (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $after)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x7b)) (i32.eq (local.get $c) (i32.const 0x5b)))
          (then
            (if (i32.eq (local.get $depth) (i32.const 64)) (then (return (i32.const -1))))
            (i32.store8 offset=64 (local.get $depth)
              (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (i32.const 0x7b))))
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (local.set $close (select (i32.const 0x7d) (i32.const 0x5d) (i32.eq (local.get $c) (i32.const 0x7b))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
            (if (i32.lt_u (local.get $i) (local.get $to))
              (then
                (if (i32.eq (i32.load8_u (local.get $i)) (local.get $close))
                  (then
                    ;; an empty container: a value
                    (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $after)))))
            (if (i32.eq (local.get $c) (i32.const 0x7b))
              (then
                (local.set $i (call $objectKey (local.get $i) (local.get $to)))
                (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))))
            (br $atValue)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x2d)) (call $isDigit (local.get $c)))
          (then
            (local.set $i (call $number (local.get $i) (local.get $to)))
            (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))
            (br $after)))
        (if (i32.eq (local.get $c) (i32.const 0x74))
          (then
            (if (i32.ge_u (i32.add (local.get $i) (i32.const 3)) (local.get $to)) (then (return (i32.const -1))))
            ;; "true" as one little-endian word
            (if (i32.ne (i32.load align=1 (local.get $i)) (i32.const 0x65757274)) (then (return (i32.const -1))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $after)))
        (if (i32.eq (local.get $c) (i32.const 0x66))
          (then
            (if (i32.ge_u (i32.add (local.get $i) (i32.const 4)) (local.get $to)) (then (return (i32.const -1))))
            ;; "alse" after the f
            (if (i32.ne (i32.load offset=1 align=1 (local.get $i)) (i32.const 0x65736c61)) (then (return (i32.const -1))))
            (local.set $i (i32.add (local.get $i) (i32.const 5)))
            (br $after)))
        (if (i32.eq (local.get $c) (i32.const 0x6e))
          (then
            (if (i32.ge_u (i32.add (local.get $i) (i32.const 3)) (local.get $to)) (then (return (i32.const -1))))
            (if (i32.ne (i32.load align=1 (local.get $i)) (i32.const 0x6c6c756e)) (then (return (i32.const -1))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $after)))
        (return (i32.const -1)))
      ;; After a value inside the containers opened here: ',' or their ends.
      (loop $afterValue
        (if (i32.eqz (local.get $depth)) (then (return (local.get $i))))
        (local.set $i (local.get $i))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
        (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $t (i32.load8_u offset=63 (local.get $depth)))
        (if (i32.eq (local.get $c) (i32.const 0x2c))
          (then
            (local.set $i (local.get $i))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
            (if (i32.eq (local.get $t) (i32.const 1))
              (then
                (local.set $i (call $objectKey (local.get $i) (local.get $to)))
                (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))))
            (br $atValue)))
        (if (i32.or
              (i32.and (i32.eq (local.get $c) (i32.const 0x7d)) (i32.eq (local.get $t) (i32.const 1)))
              (i32.and (i32.eq (local.get $c) (i32.const 0x5d)) (i32.eq (local.get $t) (i32.const 2))))
          (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (br $afterValue)))
        (return (i32.const -1))))
    (unreachable))

  ;; Whether [$from, $to) is a JSON object of the shape (RecordShape.run, match mode); the id's
  ;; string contents in $idFrom/$idTo ($idFrom -1: none).
  (func $match (param $from i32) (param $to i32) (param $tape i32) (param $keyLens i32) (result i32)
    (local $i i32) (local $p i32) (local $len i32) (local $nKeys i32) (local $k i32) (local $ordinal i32)
    (local $idOrd i32) (local $depth i32) (local $kl i32) (local $x i32) (local $j i32) (local $c i32)
    (local $vs i32) (local $d i32)
    (local.set $len (i32.load offset=8 (i32.const 0)))
    (local.set $nKeys (i32.load offset=12 (i32.const 0)))
    (local.set $idOrd (i32.load offset=16 (i32.const 0)))
    (local.set $ordinal (i32.const -1))
    (global.set $idFrom (i32.const -1))
    (local.set $i (local.get $from))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
    (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x7b)) (then (return (i32.const 0))))
    (local.set $depth (i32.const 1))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
    (block $keysDone
      (if (i32.lt_u (local.get $i) (local.get $to))
        (then
          (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x7d))
            (then
              ;; {}: no key at all
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $keysDone)))))
      (loop $key
        ;; At a key of the object $depth levels down.
        (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const 0))))
        (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x22)) (then (return (i32.const 0))))
        (if (i32.eq (local.get $depth) (i32.const 1))
          (then (local.set $ordinal (i32.add (local.get $ordinal) (i32.const 1)))))
        ;; The key's bytes against the shape's (as many as the shape's key has), then its
        ;; closing quote: the shape's key bytes are a valid string's contents up to its end.
        (if (i32.eq (local.get $k) (local.get $nKeys)) (then (return (i32.const 0))))
        (local.set $kl (i32.load (i32.add (local.get $keyLens) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $x (i32.add (local.get $i) (i32.const 1)))
        (if (i32.ge_u (i32.add (local.get $x) (local.get $kl)) (local.get $to)) (then (return (i32.const 0))))
        (if (i32.gt_u (i32.add (local.get $p) (local.get $kl)) (local.get $len)) (then (return (i32.const 0))))
        (local.set $j (i32.const 0))
        (block $words
          (loop $cmp8
            (br_if $words (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $kl)))
            (if (i64.ne
                  (i64.load align=1 (i32.add (i32.add (local.get $tape) (local.get $p)) (local.get $j)))
                  (i64.load align=1 (i32.add (local.get $x) (local.get $j))))
              (then (return (i32.const 0))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cmp8)))
        (block $same
          (loop $cmp
            (br_if $same (i32.ge_u (local.get $j) (local.get $kl)))
            (if (i32.ne
                  (i32.load8_u (i32.add (i32.add (local.get $tape) (local.get $p)) (local.get $j)))
                  (i32.load8_u (i32.add (local.get $x) (local.get $j))))
              (then (return (i32.const 0))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cmp)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $x) (local.get $kl))) (i32.const 0x22)) (then (return (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (local.get $kl)))
        (local.set $i (i32.add (i32.add (local.get $x) (local.get $kl)) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
        (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const 0))))
        (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x3a)) (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
        (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const 0))))
        ;; Its value.
        (local.set $c (i32.load8_u (local.get $i)))
        (block $valueDone
          (if (i32.eq (local.get $c) (i32.const 0x7b))
            (then
              (local.set $j (i32.add (local.get $i) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $j)) (i32.const 0x20)) (then (local.set $j (call $ws (local.get $j) (local.get $to)))))
              (if (i32.lt_u (local.get $j) (local.get $to))
                (then
                  (if (i32.eq (i32.load8_u (local.get $j)) (i32.const 0x7d))
                    (then
                      ;; {}: a value (mark 0)
                      (if (i32.ge_u (local.get $p) (local.get $len)) (then (return (i32.const 0))))
                      (if (i32.ne (i32.load8_u (i32.add (local.get $tape) (local.get $p))) (i32.const 0)) (then (return (i32.const 0))))
                      (local.set $p (i32.add (local.get $p) (i32.const 1)))
                      (local.set $i (i32.add (local.get $j) (i32.const 1)))
                      (br $valueDone)))))
              ;; a nested object (mark 1): its keys are the shape's next ones
              (if (i32.ge_u (local.get $p) (local.get $len)) (then (return (i32.const 0))))
              (if (i32.ne (i32.load8_u (i32.add (local.get $tape) (local.get $p))) (i32.const 1)) (then (return (i32.const 0))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
              (local.set $i (local.get $j))
              (br $key)))
          ;; any other value (mark 0)
          (if (i32.ge_u (local.get $p) (local.get $len)) (then (return (i32.const 0))))
          (if (i32.ne (i32.load8_u (i32.add (local.get $tape) (local.get $p))) (i32.const 0)) (then (return (i32.const 0))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $vs (i32.add (local.get $i) (i32.const 1)))
          (local.set $i (call $value (local.get $i) (local.get $to)))
          (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const 0))))
          (if (i32.and
                (i32.eq (local.get $c) (i32.const 0x22))
                (i32.and (i32.eq (local.get $depth) (i32.const 1)) (i32.eq (local.get $ordinal) (local.get $idOrd))))
            (then
              (global.set $idFrom (local.get $vs))
              (global.set $idTo (i32.sub (local.get $i) (i32.const 1))))))
        ;; After a value: ',' then a key, or '}' closing objects.
        (loop $close
          (local.set $i (local.get $i))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
          (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const 0))))
          (local.set $d (i32.load8_u (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.eq (local.get $d) (i32.const 0x2c))
            (then
              (local.set $i (local.get $i))
    (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i) (local.get $to)))))
              (br $key)))
          (if (i32.ne (local.get $d) (i32.const 0x7d)) (then (return (i32.const 0))))
          (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
          (br_if $keysDone (i32.eqz (local.get $depth)))
          ;; the end of a nested object (mark 2)
          (if (i32.ge_u (local.get $p) (local.get $len)) (then (return (i32.const 0))))
          (if (i32.ne (i32.load8_u (i32.add (local.get $tape) (local.get $p))) (i32.const 2)) (then (return (i32.const 0))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $close))))
    (if (i32.ne (call $ws (local.get $i) (local.get $to)) (local.get $to)) (then (return (i32.const 0))))
    (i32.eq (local.get $p) (local.get $len)))

  ;; The lines of [$p, $p + $n) from $p while they are of the shape (or blank): per record
  ;; taken, its id span at $out; at most $max records. Returns the records taken; where it
  ;; stopped and why at 0 and 4 (see the layout).
  (func (export "lines") (param $p i32) (param $n i32) (param $out i32) (param $max i32)
    (param $tape i32) (param $keyLens i32) (result i32)
    (local $end i32) (local $lf i32) (local $m i32) (local $s i32) (local $e i32) (local $c i32)
    (local $got i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $stop
      (loop $line
        (i32.store offset=0 (i32.const 0) (local.get $p))
        (if (i32.ge_u (local.get $got) (local.get $max))
          (then
            (i32.store offset=4 (i32.const 0) (i32.const 2))
            (br $stop)))
        ;; the line's LF, 16 bytes at a time
        (local.set $lf (local.get $p))
        (block $found
          (loop $scan
            (if (i32.ge_u (local.get $lf) (local.get $end))
              (then
                (i32.store offset=4 (i32.const 0) (i32.const 0))
                (br $stop)))
            (local.set $m (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $lf)) (i8x16.splat (i32.const 0x0a)))))
            (if (local.get $m)
              (then
                (local.set $lf (i32.add (local.get $lf) (i32.ctz (local.get $m))))
                (br $found)))
            (local.set $lf (i32.add (local.get $lf) (i32.const 16)))
            (br $scan)))
        (if (i32.ge_u (local.get $lf) (local.get $end))
          (then
            (i32.store offset=4 (i32.const 0) (i32.const 0))
            (br $stop)))
        ;; the record: trailing CR, space, tab and leading space, tab, CR are not part of it
        (local.set $s (local.get $p))
        (local.set $e (local.get $lf))
        (block $t (loop $l
          (br_if $t (i32.le_u (local.get $e) (local.get $s)))
          (local.set $c (i32.load8_u (i32.sub (local.get $e) (i32.const 1))))
          (br_if $t (i32.eqz
            (i32.or (i32.eq (local.get $c) (i32.const 0x0d))
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09))))))
          (local.set $e (i32.sub (local.get $e) (i32.const 1)))
          (br $l)))
        (block $t (loop $l
          (br_if $t (i32.ge_u (local.get $s) (local.get $e)))
          (local.set $c (i32.load8_u (local.get $s)))
          (br_if $t (i32.eqz
            (i32.or (i32.eq (local.get $c) (i32.const 0x0d))
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09))))))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          (br $l)))
        (if (i32.lt_u (local.get $s) (local.get $e))
          (then
            (if (i32.eqz (call $match (local.get $s) (local.get $e) (local.get $tape) (local.get $keyLens)))
              (then
                (i32.store offset=4 (i32.const 0) (i32.const 1))
                (br $stop)))
            (i32.store (local.get $out) (global.get $idFrom))
            (i32.store offset=4 (local.get $out) (global.get $idTo))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $got (i32.add (local.get $got) (i32.const 1)))))
        (local.set $p (i32.add (local.get $lf) (i32.const 1)))
        (br $line)))
    (local.get $got)))
