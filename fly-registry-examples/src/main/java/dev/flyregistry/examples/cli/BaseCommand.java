package dev.flyregistry.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A leaf command: checks its arguments ({@link #validate()}), opens a {@link Session} from the
 * common options, runs, and returns the exit code.
 */
abstract class BaseCommand implements Callable<Integer>, WithCommonOptions {
  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public CommonOptions common() {
    return common;
  }

  /** Checks the arguments; throws {@link ParameterException} (exit 2) before any request. */
  void validate() {}

  /** Whether this command always runs on an embedded emulator. */
  boolean alwaysEmulator() {
    return false;
  }

  abstract int run(Session session);

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  @Override
  public Integer call() {
    validate();
    try (Session session = Session.open(spec, common, common.emulator || alwaysEmulator())) {
      try {
        return run(session);
      } catch (RuntimeException e) {
        throw ExitCodes.withHint(e, session.credentialsHint(e));
      }
    }
  }
}
