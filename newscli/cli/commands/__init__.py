"""The commands, one module per group: each parses its own arguments into a query value and
hands it to `cli.run.answer` with the query module's function."""
