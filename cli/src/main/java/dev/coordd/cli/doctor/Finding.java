package dev.coordd.cli.doctor;

/**
 * One result of a check.
 *
 * @param level how it stands
 * @param area what was checked: {@code home}, {@code socket}, {@code store}, …
 * @param message what was found, one line
 * @param fix for a WARN or FAIL, the command to run or the setting to change; null for OK
 */
public record Finding(Level level, String area, String message, String fix) {
  static Finding ok(String area, String message) {
    return new Finding(Level.OK, area, message, null);
  }

  static Finding warn(String area, String message, String fix) {
    return new Finding(Level.WARN, area, message, fix);
  }

  static Finding fail(String area, String message, String fix) {
    return new Finding(Level.FAIL, area, message, fix);
  }
}
