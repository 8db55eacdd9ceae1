package dev.coordd.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operation that may block for long (waiting for a result or for work). Doors run such
 * calls beside the others on the same connection, so they do not hold up requests sent after them;
 * every other call on a connection is answered in the order it was sent.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface LongWait {}
