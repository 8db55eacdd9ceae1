/** The file drop: any program may write a task as a JSON file into the home's inbox folder. */
package dev.coordd.daemon.inbox;
