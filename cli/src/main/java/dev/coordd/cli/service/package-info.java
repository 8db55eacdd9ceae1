/**
 * {@code coordd service install|uninstall}: runs the daemon under systemd, restarted on failure and
 * started at boot or login, with the hardening directives that fit a daemon whose handlers edit the
 * user's projects.
 */
package dev.coordd.cli.service;
