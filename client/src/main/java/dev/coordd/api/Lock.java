package dev.coordd.api;

/** A lease on a named resource (a file path, a glob, any name), exclusive or shared. */
public record Lock(
    String resource, String holder, boolean shared, long acquiredAt, long expiresAt) {}
