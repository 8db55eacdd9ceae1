/**
 * The Unix-socket door: JSON-RPC 2.0, one message per line, whose method table is {@link
 * dev.coordd.api.CoordinationService} itself.
 */
package dev.coordd.daemon.rpc;
