/**
 * What a valid task spec is: the one rule set for names and limits ({@link
 * dev.coordd.daemon.spec.Rules}) and the one reader of a task spec from JSON ({@link
 * dev.coordd.daemon.spec.TaskSpecReader}), shared by every door.
 */
package dev.coordd.daemon.spec;
