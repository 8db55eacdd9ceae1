/** {@code coordd store}: work on a home's store itself (today: copy it into PostgreSQL). */
package dev.coordd.cli.store;
