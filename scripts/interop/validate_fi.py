"""Validates FI XML documents against the ReBIT FI schemas (XSD 1.1) with the independent
`xmlschema` package. Usage: validate_fi.py SCHEMA.xsd DOC.xml [DOC.xml ...]
Prints one line per document: "ok <path>" or "invalid <path>: <reason>"; exits 1 if any is invalid."""
import sys

import xmlschema


def main() -> int:
    schema = xmlschema.XMLSchema11(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        errors = list(schema.iter_errors(path))
        if errors:
            bad += 1
            print(f"invalid {path}: {errors[0].reason} at {errors[0].path}")
        else:
            print(f"ok {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
