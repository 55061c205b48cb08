// Parquet column types as SQL-ish names (DuckDB's spelling), for schemas people compare.
import type { SchemaElement } from 'hyparquet';

export function parquetTypeName(e: SchemaElement, nested: boolean): string {
  const lt = e.logical_type;
  if (lt) {
    switch (lt.type) {
      case 'STRING':
      case 'ENUM':
      case 'JSON':
        return lt.type === 'JSON' ? 'JSON' : 'VARCHAR';
      case 'DATE':
        return 'DATE';
      case 'TIME':
        return 'TIME';
      case 'TIMESTAMP':
        return lt.isAdjustedToUTC ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
      case 'DECIMAL':
        return `DECIMAL(${lt.precision},${lt.scale})`;
      case 'INTEGER':
        return intName(lt.bitWidth, lt.isSigned);
      case 'UUID':
        return 'UUID';
      case 'LIST':
        return 'LIST';
      case 'MAP':
        return 'MAP';
      default:
        break;
    }
  }
  switch (e.converted_type) {
    case 'UTF8':
    case 'ENUM':
      return 'VARCHAR';
    case 'DATE':
      return 'DATE';
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      return 'TIMESTAMP';
    case 'DECIMAL':
      return `DECIMAL(${e.precision ?? 0},${e.scale ?? 0})`;
    case 'INT_8':
      return 'TINYINT';
    case 'INT_16':
      return 'SMALLINT';
    case 'INT_32':
      return 'INTEGER';
    case 'INT_64':
      return 'BIGINT';
    case 'UINT_8':
      return 'UTINYINT';
    case 'UINT_16':
      return 'USMALLINT';
    case 'UINT_32':
      return 'UINTEGER';
    case 'UINT_64':
      return 'UBIGINT';
    case 'LIST':
      return 'LIST';
    case 'MAP':
      return 'MAP';
    default:
      break;
  }
  if (nested) return 'STRUCT';
  switch (e.type) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INT32':
      return 'INTEGER';
    case 'INT64':
      return 'BIGINT';
    case 'INT96':
      return 'TIMESTAMP';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'BYTE_ARRAY':
      return 'BLOB';
    case 'FIXED_LEN_BYTE_ARRAY':
      return `FIXED(${e.type_length ?? 0})`;
    default:
      return 'UNKNOWN';
  }
}

function intName(bits: number, signed: boolean): string {
  const name = bits <= 8 ? 'TINYINT' : bits <= 16 ? 'SMALLINT' : bits <= 32 ? 'INTEGER' : 'BIGINT';
  return signed ? name : `U${name}`;
}
