"""The only code that speaks SQL: schema, migrations, transactions, queries."""
