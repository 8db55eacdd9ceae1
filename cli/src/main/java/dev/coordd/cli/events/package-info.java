/**
 * {@code coordd event} and {@code coordd inbox}: publish, watch, subscribe, direct messages and
 * acknowledgements.
 */
package dev.coordd.cli.events;
