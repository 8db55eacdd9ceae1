/**
 * Resource locks between agents: exclusive or shared, by name or glob, with TTL leases that end
 * when the holder stops beating.
 */
package dev.coordd.daemon.locks;
