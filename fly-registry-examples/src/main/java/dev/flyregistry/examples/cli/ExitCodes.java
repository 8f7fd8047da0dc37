package dev.flyregistry.examples.cli;

import dev.flyregistry.auth.AuthException;
import dev.flyregistry.graphql.AppNotFoundException;
import dev.flyregistry.graphql.GraphqlTransportException;
import dev.flyregistry.machines.ImageNotFoundException;
import dev.flyregistry.machines.InvalidAppNameException;
import dev.flyregistry.machines.MachinesApiException;
import dev.flyregistry.machines.MachinesNotFoundException;
import dev.flyregistry.registry.InvalidDigestException;
import dev.flyregistry.registry.InvalidReferenceException;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryDeniedException;
import dev.flyregistry.registry.RegistryErrorCode;
import dev.flyregistry.registry.RegistryException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The exit codes of {@code flyreg}, and the one-line error messages that go with them. */
final class ExitCodes {
  static final int OK = 0;
  static final int NOT_FOUND = 1;
  static final int USAGE = 2;
  static final int AUTH = 3;
  static final int OTHER = 4;

  private ExitCodes() {}

  /** A failure that already knows its exit code and its message. */
  static final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String hint;

    CliException(int code, String message) {
      this(code, message, null, null);
    }

    CliException(int code, String message, Throwable cause) {
      this(code, message, cause, null);
    }

    /**
     * @param hint what the user can do about it, printed on a line of its own; may be null
     */
    CliException(int code, String message, Throwable cause, String hint) {
      super(message, cause);
      this.code = code;
      this.hint = hint;
    }

    int code() {
      return code;
    }

    Optional<String> hint() {
      return Optional.ofNullable(hint);
    }
  }

  /**
   * {@code failure} with {@code hint} attached (and the SDK's advice for Java code, which a
   * command-line user cannot follow, left out of its message); {@code failure} itself without a
   * hint.
   */
  static RuntimeException withHint(RuntimeException failure, Optional<String> hint) {
    if (hint.isEmpty()) {
      return failure;
    }
    return new CliException(
        exitCode(failure), oneLineWithoutCodeAdvice(failure), failure, hint.get());
  }

  /**
   * As {@link #oneLine}, without the SDK's advice for Java code ({@link
   * RegistryException#advice()}, such as building the client with credentials: the CLI builds the
   * client, and {@link Session#credentialsHint} says which options give it credentials).
   */
  static String oneLineWithoutCodeAdvice(Throwable t) {
    if (t instanceof RegistryException r && r.advice().isPresent()) {
      return oneLine(r.problem(), t);
    }
    return oneLine(t);
  }

  static int exitCode(Throwable t) {
    if (t instanceof CommandLine.ExecutionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof CliException c) {
      return c.code();
    }
    if (t instanceof ParameterException
        || t instanceof InvalidReferenceException
        || t instanceof InvalidAppNameException
        || t instanceof InvalidDigestException) {
      return USAGE;
    }
    if (t instanceof ImageNotFoundException
        || t instanceof MachinesNotFoundException
        || t instanceof AppNotFoundException) {
      return NOT_FOUND;
    }
    if (t instanceof RegistryAuthenticationException
        || t instanceof RegistryDeniedException
        || t instanceof AuthException) {
      return AUTH;
    }
    if (t instanceof RegistryException r && isNotFound(r)) {
      return NOT_FOUND;
    }
    if (t instanceof MachinesApiException m && (m.httpStatus() == 401 || m.httpStatus() == 403)) {
      return AUTH;
    }
    if (t instanceof GraphqlTransportException g
        && g.status().isPresent()
        && (g.status().getAsInt() == 401 || g.status().getAsInt() == 403)) {
      return AUTH;
    }
    return OTHER;
  }

  static boolean isNotFound(RegistryException r) {
    return r.status() == 404
        || r.hasCode(RegistryErrorCode.MANIFEST_UNKNOWN)
        || r.hasCode(RegistryErrorCode.NAME_UNKNOWN)
        || r.hasCode(RegistryErrorCode.BLOB_UNKNOWN);
  }

  /** One line: the message with line breaks folded, or the exception's type when it has none. */
  static String oneLine(Throwable t) {
    return oneLine(t.getMessage(), t);
  }

  /** {@code message} on one line, or the type of {@code t} when it is null or blank. */
  private static String oneLine(String message, Throwable t) {
    String m = message;
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    return m.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
  }

  static int usageError(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    String path = cl.getCommandSpec().qualifiedName();
    cl.getErr().println(path + ": " + oneLine(ex) + " (see '" + path + " --help')");
    cl.getErr().flush();
    return USAGE;
  }

  static int executionError(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    Throwable t = ex;
    if (t instanceof CommandLine.ExecutionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ParameterException pe) {
      return usageError(pe, parseResult.originalArgs().toArray(new String[0]));
    }
    PrintWriter err = cl.getErr();
    err.println("flyreg: " + oneLine(t));
    if (t instanceof CliException c && c.hint().isPresent()) {
      err.println("flyreg: hint: " + c.hint().get());
    }
    Object command = cl.getCommand();
    if (command instanceof WithCommonOptions w && w.common().debug) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      err.print(trace);
    }
    err.flush();
    return exitCode(t);
  }
}
