package dev.flyregistry.registry;

import dev.flyregistry.http.RetrySettings;
import dev.flyregistry.internal.http.Interrupts;
import dev.flyregistry.internal.http.Redaction;
import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.registry.ErrorBody;
import dev.flyregistry.internal.registry.Failures;
import dev.flyregistry.internal.registry.RegistryTransport;
import dev.flyregistry.internal.registry.Scope;
import dev.flyregistry.internal.registry.push.BytesBody;
import dev.flyregistry.internal.registry.push.HashingInputStream;
import dev.flyregistry.internal.registry.push.StreamBody;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of the registry API: blob existence ({@code HEAD}), upload sessions (monolithic
 * {@code POST} + {@code PUT}, or chunked {@code PATCH}es with {@code Content-Range} and a closing
 * {@code PUT}), cross-repository mounts, manifest {@code PUT}s and deletes.
 *
 * <p>An upload that fails is retried as a whole session: {@code HEAD} first (it may have landed),
 * then a fresh {@code POST}; a lone {@code PATCH} is never repeated, and an abandoned session is
 * cancelled with {@code DELETE} (best effort). A blob's digest is computed while it is sent and
 * checked before the session is closed. Thread-safe.
 */
final class BlobUploads {
  private static final Logger LOG = LoggerFactory.getLogger(BlobUploads.class);

  /** The largest chunk held in memory; a registry asking for more gets one monolithic PUT. */
  static final long MAX_CHUNK = 256L * 1024 * 1024;

  /** 416 answers, and answers that acknowledge no new byte, tolerated per chunk. */
  private static final int MAX_RANGE_RECOVERIES = 3;

  private static final RequestBody EMPTY = RequestBody.create(new byte[0], (MediaType) null);

  private final RegistryTransport transport;
  private final long chunkSize;

  /**
   * @param transport the transport
   * @param chunkSize 0 for monolithic uploads, else the size of each {@code PATCH}
   */
  BlobUploads(RegistryTransport transport, long chunkSize) {
    this.transport = transport;
    this.chunkSize = chunkSize;
  }

  /** Where blobs and manifests go, and the scopes every request there asks for. */
  record Target(String registry, String repository, List<Scope> scopes) {
    Target {
      scopes = List.copyOf(scopes);
    }

    String where() {
      return registry + "/" + repository;
    }
  }

  /** Hands out a blob's bytes: opens it, passes the stream to {@code body}, closes it. */
  interface Origin {
    /**
     * @param blob the blob
     * @param body reads the stream; throws only unchecked exceptions
     * @return what {@code body} returned
     */
    <T> T withBlob(Descriptor blob, BlobBody<T> body);

    /** A failure reading the blob's stream, as the exception to report. */
    RuntimeException readFailure(Descriptor blob, IOException e);
  }

  /** Reads a blob's stream. */
  @FunctionalInterface
  interface BlobBody<T> {
    T apply(InputStream in);
  }

  /** How a blob reached the target. */
  enum Outcome {
    UPLOADED,
    EXISTS,
    MOUNTED
  }

  /** Counters of one push or copy. */
  static final class Stats {
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong bytesSkipped = new AtomicLong();
    final AtomicInteger uploaded = new AtomicInteger();
    final AtomicInteger existing = new AtomicInteger();
    final AtomicInteger mounted = new AtomicInteger();
    final AtomicInteger manifests = new AtomicInteger();
  }

  /**
   * An open upload session. Its location is the latest the registry gave (a {@code PATCH} or status
   * answer may move it), so a cancel reaches the session as the registry knows it now.
   */
  static final class Session {
    private final long minChunk;
    private volatile HttpUrl location;

    Session(HttpUrl location, long minChunk) {
      this.location = location;
      this.minChunk = minChunk;
    }

    /** The latest location of the session. */
    HttpUrl location() {
      return location;
    }

    /** The smallest chunk the registry accepts, 0 when it did not say. */
    long minChunk() {
      return minChunk;
    }

    void moveTo(HttpUrl next) {
      location = next;
    }
  }

  /** The session must start over (a body that cannot be repeated was asked for again, ...). */
  static final class RestartSession extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RestartSession(String message) {
      super(message, null, false, false);
    }
  }

  /** {@link RegistryTransport#execute} for the target's registry, repository and scopes. */
  private <T> T execute(
      Target t,
      String op,
      Supplier<Request.Builder> request,
      RetryExecutor.Mode mode,
      RetryExecutor.ResponseHandler<T> handler) {
    return transport.execute(t.registry(), t.repository(), t.scopes(), op, request, mode, handler);
  }

  private HttpUrl base(Target t) {
    return transport.baseUrl(t.registry()).newBuilder().addPathSegments(t.repository()).build();
  }

  private HttpUrl blobUrl(Target t, Digest d) {
    return transport.blobUrl(t.registry(), t.repository(), d.toString());
  }

  private HttpUrl uploadsUrl(Target t) {
    return base(t)
        .newBuilder()
        .addPathSegment("blobs")
        .addPathSegment("uploads")
        .addPathSegment("")
        .build();
  }

  // ------------------------------------------------------------------ existence

  /** {@code HEAD /v2/<name>/blobs/<digest>}: true on 2xx, false on 404. */
  boolean exists(Target t, Digest digest) {
    HttpUrl url = blobUrl(t, digest);
    String op = "HEAD blob " + t.where() + "@" + digest;
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () -> new Request.Builder().url(url).head(),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (response.code() == 404) {
            return false;
          }
          if (response.isSuccessful()) {
            return true;
          }
          throw transport.failure(ctx, op, response, t.scopes());
        });
  }

  // ------------------------------------------------------------------ uploads

  /**
   * Makes sure the target holds a blob: skipped when it exists, mounted from {@code mountFrom}
   * (same registry) when possible, else uploaded from {@code origin}.
   *
   * @param mountFrom a repository of the same registry to mount from, or null
   */
  Outcome transfer(
      Target t,
      Descriptor blob,
      Origin origin,
      String mountFrom,
      PushProgress progress,
      Stats stats) {
    if (exists(t, blob.digest())) {
      stats.existing.incrementAndGet();
      stats.bytesSkipped.addAndGet(blob.size());
      progress.blobSkipped(blob, PushProgress.SkipReason.EXISTS);
      return Outcome.EXISTS;
    }
    RetrySettings retry = transport.settings().retry();
    int maxAttempts = Math.max(1, retry.maxAttempts());
    boolean mount = mountFrom != null && !mountFrom.equals(t.repository());
    for (int attempt = 1; ; attempt++) {
      if (attempt > 1 && exists(t, blob.digest())) {
        LOG.debug("blob {} reached {} after all", blob.digest(), t.where());
        stats.uploaded.incrementAndGet();
        progress.blobDone(blob);
        return Outcome.UPLOADED;
      }
      Session session = null;
      if (mount) {
        mount = false; // one attempt; any failure falls back to a plain upload
        try {
          Optional<Session> opened = mount(t, blob.digest(), mountFrom);
          if (opened.isEmpty()) {
            stats.mounted.incrementAndGet();
            progress.blobSkipped(blob, PushProgress.SkipReason.MOUNTED);
            return Outcome.MOUNTED;
          }
          session = opened.get(); // 202: upload into the session the mount opened
        } catch (RegistryException e) {
          LOG.debug(
              "mount of {} from {} failed, uploading instead: {}",
              blob.digest(),
              mountFrom,
              e.getMessage());
        }
      }
      if (session == null) {
        session = start(t);
      }
      try {
        send(t, session, blob, origin, progress, stats);
        stats.uploaded.incrementAndGet();
        progress.blobDone(blob);
        return Outcome.UPLOADED;
      } catch (RuntimeException e) {
        cancel(t, session);
        // an interrupted thread stops here: no pause and no new session (a sleeper need not
        // answer the interrupt, and the failure, whatever its type, is the interrupt's doing)
        if (Thread.currentThread().isInterrupted()
            || !isTransient(e, retry)
            || attempt >= maxAttempts) {
          throw finalFailure(t, blob, e, attempt);
        }
        LOG.debug(
            "upload of {} to {} failed (attempt {} of {}), starting a new session: {}",
            blob.digest(),
            t.where(),
            attempt,
            maxAttempts,
            e.toString());
        pause(retry, attempt);
      }
    }
  }

  private RuntimeException finalFailure(
      Target t, Descriptor blob, RuntimeException e, int attempts) {
    if (Thread.currentThread().isInterrupted()) {
      // whatever broke (a source channel closed by the interrupt, a cancelled call), the interrupt
      // did it: say so, rather than blame the source or the network
      return new RegistryIoException(
          "upload of blob " + blob.digest() + " to " + t.where() + " interrupted",
          0,
          List.of(),
          t.registry(),
          t.repository(),
          e);
    }
    if (e instanceof SourceReadException && e.getCause() instanceof RuntimeException cause) {
      return cause; // the source's own typed failure
    }
    if (e instanceof RateLimitedException r && attempts > 1) {
      // the request itself was not repeated, but the upload was, in fresh sessions: say so
      return new RateLimitedException(
          "upload of blob "
              + blob.digest()
              + " to "
              + t.where()
              + " failed after "
              + attempts
              + " session(s): "
              + r.getMessage(),
          r.retryAfter().orElse(null),
          r.status(),
          r.errors(),
          r.registry().orElse(t.registry()),
          r.repository().orElse(t.repository()));
    }
    if (e instanceof RestartSession) {
      return new RegistryException(
          "upload of blob "
              + blob.digest()
              + " to "
              + t.where()
              + " failed after "
              + attempts
              + " session(s): "
              + e.getMessage(),
          0,
          List.of(),
          t.registry(),
          t.repository(),
          null);
    }
    return e;
  }

  static boolean isTransient(RuntimeException e, RetrySettings retry) {
    if (e instanceof SourceReadException s) {
      return !s.permanent;
    }
    if (e instanceof RestartSession) {
      return true;
    }
    if (e instanceof DigestMismatchException
        || e instanceof RegistryAuthenticationException
        || e instanceof RegistryDeniedException) {
      return false;
    }
    if (e instanceof RegistryIoException) {
      return !(e.getCause() instanceof SourceMismatch);
    }
    if (e instanceof RegistryException re) {
      return retry.isRetryable(re.status())
          || re.status() == 416
          || re.hasCode(RegistryErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    return false;
  }

  private void pause(RetrySettings retry, int attempt) {
    double base = retry.initialBackoff().toMillis() * Math.pow(retry.multiplier(), attempt - 1);
    double capped = Math.min(base, retry.maxBackoff().toMillis());
    double j = retry.jitter();
    double factor = j <= 0 ? 1 : 1 - j + ThreadLocalRandom.current().nextDouble() * 2 * j;
    try {
      transport.settings().sleeper().sleep(Duration.ofMillis((long) (capped * factor)));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RegistryIoException(
          "interrupted while waiting to retry an upload", 0, List.of(), null, null, ie);
    }
  }

  /** {@code POST /v2/<name>/blobs/uploads/}: a new session. */
  Session start(Target t) {
    HttpUrl url = uploadsUrl(t);
    String op = "POST blob upload " + t.where();
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () -> new Request.Builder().url(url).post(EMPTY),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, t.scopes());
          }
          return session(response, ctx, op);
        });
  }

  /** Mount: empty on 201 (mounted), the session it opened on 202; other answers throw. */
  private Optional<Session> mount(Target t, Digest digest, String from) {
    HttpUrl url =
        uploadsUrl(t)
            .newBuilder()
            .addQueryParameter("mount", digest.toString())
            .addQueryParameter("from", from)
            .build();
    String op = "POST blob mount " + digest + " from " + from + " to " + t.where();
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () -> new Request.Builder().url(url).post(EMPTY),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (response.code() == 201) {
            Digest header = digestHeader(response, ctx, op);
            if (contradicts(header, digest)) {
              throw new DigestMismatchException(
                  op + ": the registry mounted " + header + " (Docker-Content-Digest)",
                  digest,
                  header,
                  t.registry(),
                  t.repository());
            }
            return Optional.<Session>empty();
          }
          if (response.code() == 202) {
            return Optional.of(session(response, ctx, op));
          }
          throw transport.failure(ctx, op, response, t.scopes());
        });
  }

  private static Session session(Response response, Failures.Context ctx, String op) {
    HttpUrl location = location(response, ctx, op);
    long min = 0;
    String m = response.header("OCI-Chunk-Min-Length");
    if (m != null) {
      try {
        min = Math.max(0, Long.parseLong(m.trim()));
      } catch (NumberFormatException e) {
        LOG.debug("{}: ignoring OCI-Chunk-Min-Length \"{}\"", op, m);
      }
    }
    return new Session(location, min);
  }

  /** The {@code Location} header resolved against the response's URL (its query kept). */
  static HttpUrl location(Response response, Failures.Context ctx, String op) {
    String value = response.header("Location");
    HttpUrl resolved = value == null ? null : response.request().url().resolve(value.trim());
    if (resolved == null) {
      throw new RegistryException(
          op
              + ": "
              + response.code()
              + " from "
              + ctx.registry()
              + " without a usable Location header",
          response.code(),
          List.of(),
          ctx.registry(),
          ctx.repository(),
          null);
    }
    return resolved;
  }

  /**
   * Best-effort {@code DELETE} of an abandoned session, at its latest location. It is sent even
   * when the thread was interrupted (another blob of the push or copy failed and stopped this one):
   * the interrupt is held back for the one request, then restored, so the caller still stops.
   */
  void cancel(Target t, Session session) {
    HttpUrl location = session.location();
    String op = "DELETE blob upload " + Redaction.url(location);
    try {
      Interrupts.setAside(
          () ->
              execute(
                  t,
                  op,
                  () -> new Request.Builder().url(location).delete(),
                  RetryExecutor.Mode.NOT_AFTER_SEND,
                  response -> null));
    } catch (RuntimeException e) {
      LOG.debug("{} failed (ignored): {}", op, e.toString());
    }
  }

  /** Sends the blob into the session and closes it with {@code PUT ?digest=}. */
  private void send(
      Target t,
      Session session,
      Descriptor blob,
      Origin origin,
      PushProgress progress,
      Stats stats) {
    long chunk = chunkSize;
    if (chunk > 0 && session.minChunk() > chunk) {
      chunk = session.minChunk();
    }
    if (chunk > MAX_CHUNK) {
      chunk = 0; // the registry wants chunks too large to buffer: one streamed PUT instead
    }
    long effective = chunk;
    progress.blobStarted(blob);
    origin.withBlob(
        blob,
        in -> {
          if (effective > 0) {
            chunked(t, session, blob, in, (int) effective, origin, progress, stats);
          } else {
            monolithic(t, session, blob, in, origin, progress, stats);
          }
          return null;
        });
  }

  /** Raised inside a request body when the source's bytes do not hash to the blob's digest. */
  static final class SourceMismatch extends IOException {
    private static final long serialVersionUID = 1L;
    final transient DigestMismatchException mismatch;

    SourceMismatch(DigestMismatchException mismatch) {
      super(mismatch.getMessage());
      this.mismatch = mismatch;
    }
  }

  /**
   * A source stream failed: its cause is the origin's typed failure. A stream that broke may work
   * when opened again (transient); one that ended before the blob's size is short (permanent).
   */
  static final class SourceReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean permanent;

    SourceReadException(RuntimeException cause, boolean permanent) {
      super(cause.getMessage(), cause);
      this.permanent = permanent;
    }
  }

  /** A blob's source stream ended before the blob's size: the source holds less than it says. */
  private static EOFException ended(Descriptor blob, long read) {
    return new EOFException(
        "blob "
            + blob.digest()
            + " ended after "
            + read
            + " of its "
            + blob.size()
            + " bytes ("
            + (blob.size() - read)
            + " bytes short); the source does not hold what its manifest says");
  }

  private DigestMismatchException sourceMismatch(
      Target t, Descriptor blob, Digest actual, Origin origin) {
    return new DigestMismatchException(
        "blob "
            + blob.digest()
            + " read from "
            + origin
            + " hashes to "
            + actual
            + "; the source does not hold what its manifest says (not uploaded to "
            + t.where()
            + ")",
        blob.digest(),
        actual,
        t.registry(),
        t.repository());
  }

  private void monolithic(
      Target t,
      Session session,
      Descriptor blob,
      InputStream in,
      Origin origin,
      PushProgress progress,
      Stats stats) {
    AtomicReference<IOException> readFailure = new AtomicReference<>();
    AtomicBoolean ended = new AtomicBoolean();
    InputStream watched =
        new java.io.FilterInputStream(in) {
          private long count;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
              n = super.read(b, off, len);
            } catch (IOException e) {
              readFailure.compareAndSet(null, e); // the source failed, not the registry
              throw e;
            }
            if (n < 0 && count < blob.size()) {
              IOException e = ended(blob, count); // a short source, not the registry's fault
              if (readFailure.compareAndSet(null, e)) {
                ended.set(true);
              }
              throw e;
            }
            count += Math.max(0, n);
            return n;
          }
        };
    HashingInputStream hashing =
        new HashingInputStream(
            watched, blob.digest(), n -> progress.bytesSent(blob, n, blob.size()));
    AtomicReference<DigestMismatchException> mismatch = new AtomicReference<>();
    StreamBody body =
        new StreamBody(
            hashing,
            blob.size(),
            stats.bytesSent,
            () -> {
              Digest actual = hashing.digest();
              if (!actual.equals(blob.digest())) {
                DigestMismatchException e = sourceMismatch(t, blob, actual, origin);
                mismatch.set(e);
                throw new SourceMismatch(e);
              }
            });
    HttpUrl url =
        session
            .location()
            .newBuilder()
            .addQueryParameter("digest", blob.digest().toString())
            .build();
    String op = "PUT blob " + blob.digest() + " to " + t.where();
    try {
      close(
          t,
          op,
          url,
          blob,
          () -> {
            if (body.started()) {
              throw new RestartSession(op + ": the registry asked for the streamed body again");
            }
            return body;
          });
    } catch (RuntimeException e) {
      if (mismatch.get() != null) {
        throw mismatch.get();
      }
      if (readFailure.get() != null) {
        throw new SourceReadException(origin.readFailure(blob, readFailure.get()), ended.get());
      }
      throw e;
    }
  }

  private void chunked(
      Target t,
      Session session,
      Descriptor blob,
      InputStream in,
      int chunk,
      Origin origin,
      PushProgress progress,
      Stats stats) {
    HashingInputStream hashing = new HashingInputStream(in, blob.digest(), n -> {});
    byte[] buf = new byte[(int) Math.min(chunk, Math.max(1, blob.size()))];
    long offset = 0;
    long size = blob.size();
    while (offset < size) {
      int len = (int) Math.min(buf.length, size - offset);
      readFully(hashing, buf, len, offset, blob, origin);
      int from = 0;
      int recoveries = 0;
      int stalls = 0;
      while (from < len) {
        long start = offset + from;
        Patch p = patch(t, session.location(), blob, buf, from, len - from, start, stats);
        session.moveTo(p.location());
        long acknowledged = p.nextOffset();
        if (p.rangeInvalid()) {
          if (++recoveries > MAX_RANGE_RECOVERIES) {
            throw new RestartSession(
                "PATCH blob "
                    + blob.digest()
                    + " to "
                    + t.where()
                    + ": 416 again after "
                    + MAX_RANGE_RECOVERIES
                    + " status checks");
          }
          Status s = status(t, session.location(), blob, start);
          session.moveTo(s.location());
          acknowledged = s.nextOffset();
        } else if (acknowledged <= start && ++stalls > MAX_RANGE_RECOVERIES) {
          // accepted, yet the session does not grow: sending the same bytes again would not end
          throw new RestartSession(
              "PATCH blob "
                  + blob.digest()
                  + " to "
                  + t.where()
                  + ": the registry accepted "
                  + (MAX_RANGE_RECOVERIES + 1)
                  + " PATCHes from byte "
                  + start
                  + " but its Range never went past it");
        }
        if (acknowledged < offset || acknowledged > offset + len) {
          throw new RestartSession(
              "the upload session of "
                  + blob.digest()
                  + " at "
                  + t.where()
                  + " holds "
                  + acknowledged
                  + " bytes, outside the chunk being sent ("
                  + offset
                  + "-"
                  + (offset + len)
                  + ")");
        }
        from = (int) (acknowledged - offset);
      }
      offset += len;
      progress.bytesSent(blob, offset, size);
    }
    Digest actual = hashing.digest();
    if (!actual.equals(blob.digest())) {
      throw sourceMismatch(t, blob, actual, origin);
    }
    HttpUrl url =
        session
            .location()
            .newBuilder()
            .addQueryParameter("digest", blob.digest().toString())
            .build();
    close(t, "PUT blob " + blob.digest() + " to " + t.where(), url, blob, () -> EMPTY);
  }

  /** Reads the chunk of {@code len} bytes that starts at the blob's offset {@code at}. */
  private static void readFully(
      InputStream in, byte[] buf, int len, long at, Descriptor blob, Origin origin) {
    int off = 0;
    try {
      while (off < len) {
        int n = in.read(buf, off, len - off);
        if (n < 0) {
          // permanent: the source holds less than its manifest says, reading again won't help
          throw new SourceReadException(origin.readFailure(blob, ended(blob, at + off)), true);
        }
        off += n;
      }
    } catch (IOException e) {
      throw new SourceReadException(origin.readFailure(blob, e), false);
    }
  }

  private record Patch(HttpUrl location, long nextOffset, boolean rangeInvalid) {}

  private record Status(HttpUrl location, long nextOffset) {}

  private Patch patch(
      Target t,
      HttpUrl location,
      Descriptor blob,
      byte[] buf,
      int from,
      int len,
      long start,
      Stats stats) {
    String op =
        "PATCH blob "
            + blob.digest()
            + " to "
            + t.where()
            + " (bytes "
            + start
            + "-"
            + (start + len - 1)
            + ")";
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () ->
            new Request.Builder()
                .url(location)
                .header("Content-Range", start + "-" + (start + len - 1))
                .patch(new BytesBody(buf, from, len, stats.bytesSent)),
        RetryExecutor.Mode.NOT_AFTER_SEND,
        response -> {
          if (response.code() == 416) {
            ErrorBody.read(response);
            HttpUrl next =
                response.header("Location") != null ? location(response, ctx, op) : location;
            return new Patch(next, start, true);
          }
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, t.scopes());
          }
          HttpUrl next =
              response.header("Location") != null ? location(response, ctx, op) : location;
          long end = rangeEnd(response.header("Range"), start + len);
          return new Patch(next, end, false);
        });
  }

  /** {@code GET <location>}: where the registry's copy of the session ends. */
  private Status status(Target t, HttpUrl location, Descriptor blob, long expected) {
    String op = "GET blob upload status " + blob.digest() + " at " + t.where();
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () -> new Request.Builder().url(location).get(),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, t.scopes());
          }
          HttpUrl next =
              response.header("Location") != null ? location(response, ctx, op) : location;
          String range = response.header("Range");
          if (range == null) {
            throw new RestartSession(op + ": no Range header in the session status");
          }
          return new Status(next, rangeEnd(range, expected));
        });
  }

  /**
   * The offset after a {@code Range: 0-<last>} header (inclusive last byte). {@code 0-0} is
   * ambiguous (distribution reports it for an empty session); it is read as 0 bytes unless 1 is
   * expected.
   */
  static long rangeEnd(String range, long expected) {
    if (range == null || range.isBlank()) {
      return expected;
    }
    String r = range.trim();
    if (r.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
      r = r.substring(6);
    }
    int dash = r.indexOf('-');
    if (dash < 0) {
      return expected;
    }
    try {
      long last = Long.parseLong(r.substring(dash + 1).trim());
      if (last == 0) {
        return expected == 1 ? 1 : 0;
      }
      return last + 1;
    } catch (NumberFormatException e) {
      return expected;
    }
  }

  /** The closing {@code PUT ?digest=}: success must come with the right digest, if any. */
  private void close(
      Target t,
      String op,
      HttpUrl url,
      Descriptor blob,
      java.util.function.Supplier<RequestBody> body) {
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    execute(
        t,
        op,
        () -> new Request.Builder().url(url).put(body.get()),
        RetryExecutor.Mode.NOT_AFTER_SEND,
        response -> {
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, t.scopes());
          }
          Digest header = digestHeader(response, ctx, op);
          if (contradicts(header, blob.digest())) {
            throw new DigestMismatchException(
                op + ": the registry stored " + header + " (Docker-Content-Digest)",
                blob.digest(),
                header,
                t.registry(),
                t.repository());
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ manifests

  /** {@code PUT /v2/<name>/manifests/<reference>} with the exact bytes; the digest is checked. */
  Descriptor putManifest(Target t, Manifest manifest, String reference) {
    HttpUrl url =
        base(t).newBuilder().addPathSegment("manifests").addPathSegment(reference).build();
    String op = "PUT manifest " + t.where() + (reference.contains(":") ? "@" : ":") + reference;
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    byte[] bytes = manifest.bytes();
    MediaType type = MediaType.parse(manifest.mediaType());
    if (type == null) {
      throw new IllegalArgumentException(
          "manifest media type is not a media type: " + manifest.mediaType());
    }
    return execute(
        t,
        op,
        () -> new Request.Builder().url(url).put(RequestBody.create(bytes, type)),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (!response.isSuccessful()) {
            throw transport.failure(ctx, op, response, t.scopes());
          }
          Digest header = digestHeader(response, ctx, op);
          if (header != null && !header.equals(manifest.digest())) {
            throw new DigestMismatchException(
                op
                    + ": the registry answered Docker-Content-Digest "
                    + header
                    + " but the "
                    + bytes.length
                    + " bytes sent hash to "
                    + manifest.digest(),
                manifest.digest(),
                header,
                t.registry(),
                t.repository());
          }
          return manifest.descriptor();
        });
  }

  /** {@code DELETE /v2/<name>/manifests/<digest>}: false when the registry does not have it. */
  boolean deleteManifest(Target t, Digest digest) {
    HttpUrl url =
        base(t).newBuilder().addPathSegment("manifests").addPathSegment(digest.toString()).build();
    String op = "DELETE manifest " + t.where() + "@" + digest;
    Failures.Context ctx = transport.context(t.registry(), t.repository());
    return execute(
        t,
        op,
        () -> new Request.Builder().url(url).delete(),
        RetryExecutor.Mode.IDEMPOTENT,
        response -> {
          if (response.isSuccessful()) {
            return true;
          }
          if (response.code() == 405) {
            ErrorBody body = ErrorBody.read(response);
            throw unsupported(ctx, op, response.code(), body);
          }
          ErrorBody body = ErrorBody.read(response);
          if (body.hasCode("UNSUPPORTED")) {
            throw unsupported(ctx, op, response.code(), body);
          }
          if (response.code() == 404
              && (body.hasCode("MANIFEST_UNKNOWN") || body.errors().isEmpty())) {
            return false;
          }
          throw Failures.status(ctx, op, response, body, transport.clock());
        });
  }

  private static RegistryUnsupportedException unsupported(
      Failures.Context ctx, String op, int code, ErrorBody body) {
    String d = Failures.describe(ctx, body);
    return new RegistryUnsupportedException(
        op
            + ": "
            + code
            + " from "
            + ctx.registry()
            + (d.isEmpty() ? "" : " (" + d + ")")
            + ": the registry does not allow deleting manifests",
        code,
        Failures.errors(ctx, body),
        ctx.registry(),
        ctx.repository());
  }

  /**
   * Whether a blob's {@code Docker-Content-Digest} answer says the registry holds something else.
   * Only a digest of the blob's own algorithm can say so: distribution names every blob by its
   * canonical sha256, also one uploaded or mounted as sha512, and that is no mismatch.
   *
   * @param header the header's digest, or null when there was none
   * @param expected the blob's digest
   */
  static boolean contradicts(Digest header, Digest expected) {
    return header != null
        && header.algorithm().equals(expected.algorithm())
        && !header.equals(expected);
  }

  static Digest digestHeader(Response response, Failures.Context ctx, String op) {
    String value = response.header("Docker-Content-Digest");
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Digest.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          op + ": the registry sent an invalid Docker-Content-Digest header: " + e.getMessage(),
          response.code(),
          List.of(),
          ctx.registry(),
          ctx.repository(),
          e);
    }
  }
}
