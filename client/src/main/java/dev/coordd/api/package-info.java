/**
 * The API every door shares: {@link dev.coordd.api.CoordinationService}, its records and its
 * exceptions (one root, {@link dev.coordd.api.CoorddException}).
 */
package dev.coordd.api;
