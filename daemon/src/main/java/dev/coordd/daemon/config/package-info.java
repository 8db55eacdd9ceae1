/**
 * The daemon's configuration: {@code config.schema.json} describes every setting; config.json,
 * {@code COORDD_*} variables and {@code --set} values are read into one tree, checked against it
 * and bound with Jackson into {@link dev.coordd.daemon.config.DaemonConfig}.
 */
package dev.coordd.daemon.config;
