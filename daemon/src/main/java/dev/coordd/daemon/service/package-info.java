/**
 * The API as the daemon implements it. {@link dev.coordd.daemon.service.LocalCoordinationService}
 * is the method table every door calls; it hands each operation to the class for its area: creating
 * tasks, reading them, controlling them from outside, the worker's side of them, agents,
 * invocations and stats. Events, locks, schedules and queues live in their own packages.
 */
package dev.coordd.daemon.service;
