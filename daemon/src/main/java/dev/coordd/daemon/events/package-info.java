/**
 * Events between agents: the log (publish, read, watch), subscriptions with inboxes and cursors,
 * retention, and the rules that turn events into tasks.
 */
package dev.coordd.daemon.events;
