/** {@code coordd task}: create, list, show, wait, claim, complete, fail, cancel and retry tasks. */
package dev.coordd.cli.tasks;
