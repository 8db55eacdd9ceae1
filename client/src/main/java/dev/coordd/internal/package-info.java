/**
 * Internal to coordd's own modules (the shared JSON mapper); not API, may change without notice.
 */
package dev.coordd.internal;
