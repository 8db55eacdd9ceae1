package dev.coordd.cli.store;

import picocli.CommandLine.Command;

/** {@code coordd store}: the home's store itself; {@code store copy} moves it to PostgreSQL. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Work on the home's store itself: copy a SQLite home into PostgreSQL.",
    subcommands = {StoreCopyCommand.class})
public final class StoreCommand {}
