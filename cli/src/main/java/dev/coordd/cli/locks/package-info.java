/** {@code coordd lock}: acquire, release and list resource locks. */
package dev.coordd.cli.locks;
