/**
 * The file drop: any program may write a task as a JSON file into the home's inbox folder. {@code
 * Inbox} watches and scans the folder, {@code InboxIngest} turns one file into a task or a
 * rejection, {@code InboxDrop} writes such a file for callers that find no daemon running.
 */
package dev.coordd.daemon.inbox;
