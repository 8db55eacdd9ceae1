/** The daemon's interactive console (JLine) and the tables it and the commands print. */
package dev.coordd.cli.console;
