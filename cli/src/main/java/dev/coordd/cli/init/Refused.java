package dev.coordd.cli.init;

import java.io.IOException;

/**
 * A file coordd init will not touch; the message says why and what to do. Nothing is written when
 * one is thrown, since every change is planned before the first write. Exit 2.
 */
final class Refused extends IOException {
  Refused(String message) {
    super(message);
  }
}
