/** {@code Watchdog}: warns when one operation holds a shared loop (writer, acceptor) too long. */
package dev.coordd.daemon.watch;
