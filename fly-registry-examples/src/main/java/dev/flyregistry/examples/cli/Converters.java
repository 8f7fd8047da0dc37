package dev.flyregistry.examples.cli;

import dev.flyregistry.machines.AppName;
import dev.flyregistry.machines.InvalidAppNameException;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters: what is malformed is a usage error, found before any request. */
final class Converters {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Converters() {}

  /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }

  static Duration parseDuration(String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; write a whole number and a unit: 500ms, 2s, 1m, 1h");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.isZero()) {
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return d;
  }

  /** An image reference as the registry client reads it (a bare name is on registry.fly.io). */
  static final class ReferenceConverter implements ITypeConverter<ImageReference> {
    @Override
    public ImageReference convert(String value) {
      try {
        return ImageReference.parse(value);
      } catch (InvalidReferenceException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** An app name, checked against Fly's rules. */
  static final class AppNameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return AppName.validate(value);
      } catch (InvalidAppNameException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
