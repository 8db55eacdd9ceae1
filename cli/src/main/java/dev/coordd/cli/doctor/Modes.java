package dev.coordd.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A path's permission bits, read without following links, and how to show them. */
final class Modes {
  static final int GROUP_AND_OTHERS = 0077;
  static final int WRITABLE_BY_OTHERS = 0022;
  static final int STICKY = 01000;

  private Modes() {}

  /** The permission bits (no file type), e.g. {@code 0700}. */
  static int of(Path path) throws IOException {
    return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
  }

  static String octal(int mode) {
    return String.format("%04o", mode);
  }
}
