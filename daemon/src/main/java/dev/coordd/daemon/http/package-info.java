/**
 * The HTTP door (issue 13): the REST and JSON-RPC API over the one service interface, a Server-Sent
 * Events stream of changes, health probes, and the login that puts a session cookie in a browser.
 * Every request but the probes and the login needs the home's token.
 */
package dev.coordd.daemon.http;
