"""One module per subcommand, named after it, each defining ``COMMAND = Command(...)``; the list of them is
tui_reader.cli.registry.SUBCOMMANDS."""
