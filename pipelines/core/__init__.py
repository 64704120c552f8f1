"""What every source domain shares and nothing domain-specific: reading raw text as publishers write it
(`textio`), parsing their values (`parsing`), the result of loading one file with its rejects (`loading`),
and the vocabulary for declaring a warehouse table (`schema`). Nothing in `core` imports a domain."""
