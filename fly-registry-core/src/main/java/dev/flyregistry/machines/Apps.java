package dev.flyregistry.machines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flyregistry.internal.machines.Json;
import dev.flyregistry.internal.machines.MachinesHttp;
import dev.flyregistry.internal.machines.MachinesHttp.Answer;
import dev.flyregistry.internal.machines.MachinesHttp.Call;
import dev.flyregistry.internal.machines.NameGenerator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import okhttp3.HttpUrl;

/**
 * Fly apps through the Machines API: create (with a chosen or generated name), look up, list,
 * delete, and check whether a name is free. Obtain it from {@link MachinesClient#apps()};
 * thread-safe.
 */
public final class Apps {
  private final MachinesHttp http;
  private final Random random;
  private final int nameAttempts;

  Apps(MachinesHttp http, Random random, int nameAttempts) {
    this.http = http;
    this.random = random;
    this.nameAttempts = nameAttempts;
  }

  /**
   * Creates an app ({@code POST /apps} with {@code name} and {@code org_slug}), like {@code fly
   * apps create NAME --org ORG}.
   *
   * @param name the app name, validated first (see {@link AppName})
   * @param orgSlug the organization's slug, or {@code personal}
   * @return the app
   * @throws InvalidAppNameException when the name breaks a rule (nothing is sent)
   * @throws AppNameTakenException when the name is taken
   * @throws MachinesApiException when the API refuses for another reason
   */
  public App create(String name, String orgSlug) {
    AppName.validate(name);
    requireOrg(orgSlug);
    Call call =
        Call.mutate(
            "apps.create",
            "POST",
            http.api().addPathSegment("apps").build(),
            new Json.CreateAppRequest(name, orgSlug));
    Answer answer;
    try {
      answer = http.send(call);
    } catch (MachinesApiException e) {
      if (isNameTaken(e)) {
        throw new AppNameTakenException(name, e);
      }
      throw e;
    }
    JsonNode body = answer.body().length == 0 ? null : http.readTree(call, answer);
    if (body != null && body.isObject() && body.hasNonNull("name")) {
      App app = toApp(http.read(call, answer, Json.AppDto.class));
      return app.orgSlug().isPresent()
          ? app
          : new App(app.name(), app.id(), Optional.of(orgSlug), app.status(), app.machineCount());
    }
    return new App(
        name, Optional.empty(), Optional.of(orgSlug), Optional.empty(), Optional.empty());
  }

  /**
   * Creates an app under a generated name {@code <adjective>-<noun>-<NNN>}, like {@code fly apps
   * create --generate-name}, trying another name while the API answers {@code name_taken} (a
   * bounded number of times, set with {@link MachinesClient.Builder#generatedNameAttempts(int)}).
   *
   * <p>A create is never repeated. When its answer leaves open whether the app was created (no
   * answer, 408, a 5xx), the name is looked up and the app returned if it exists; if that lookup
   * fails too, the error names the app.
   *
   * @param orgSlug the organization's slug, or {@code personal}
   * @return the app, with the name that was free
   * @throws AppNameTakenException when every generated name was taken
   * @throws MachinesApiException when the API refuses for another reason
   */
  public App createWithGeneratedName(String orgSlug) {
    requireOrg(orgSlug);
    AppNameTakenException last = null;
    for (int i = 0; i < nameAttempts; i++) {
      String name = NameGenerator.generate(random);
      try {
        return create(name, orgSlug);
      } catch (AppNameTakenException e) {
        last = e;
      } catch (MachinesApiException e) {
        return createdDespite(name, e);
      }
    }
    throw new AppNameTakenException(
        "gave up after "
            + nameAttempts
            + " generated app names were all taken (last: '"
            + last.appName()
            + "')",
        last.appName(),
        last);
  }

  /**
   * After a create under a generated name failed: when the answer leaves open whether the app was
   * created (no answer, 408, a 5xx, an unreadable success), the name is looked up, since the caller
   * does not know it and could not find the app otherwise.
   *
   * @return the app, when it exists
   * @throws MachinesApiException the original error when the app does not exist or the create was
   *     refused; naming the app when the lookup failed too
   */
  private App createdDespite(String name, MachinesApiException failure) {
    int code = failure.httpStatus();
    if (code >= 400 && code < 500 && code != 408) {
      throw failure;
    }
    Optional<App> found;
    try {
      found = get(name);
    } catch (RuntimeException e) {
      MachinesApiException unknown =
          new MachinesApiException(
              "app '"
                  + name
                  + "' may have been created (look it up with get(\""
                  + name
                  + "\")): "
                  + failure.getMessage(),
              failure);
      unknown.addSuppressed(e);
      throw unknown;
    }
    return found.orElseThrow(() -> failure);
  }

  /**
   * Looks an app up ({@code GET /apps/{name}}).
   *
   * @param name the app name
   * @return the app, or empty when there is no such app visible to the token
   * @throws InvalidAppNameException when the name breaks a rule (nothing is sent)
   * @throws MachinesApiException when the API fails
   */
  public Optional<App> get(String name) {
    AppName.validate(name);
    Call call = Call.get("apps.get", app(name));
    return MachinesHttp.optional(() -> toApp(http.read(call, http.send(call), Json.AppDto.class)));
  }

  /**
   * Lists the apps of an organization ({@code GET /apps?org_slug=...}).
   *
   * @param orgSlug the organization's slug, or {@code personal}
   * @return the apps
   * @throws MachinesApiException when the API fails
   */
  public List<App> list(String orgSlug) {
    requireOrg(orgSlug);
    Call call =
        Call.get(
            "apps.list",
            http.api().addPathSegment("apps").addQueryParameter("org_slug", orgSlug).build());
    Json.ListAppsDto dto = http.read(call, http.send(call), Json.ListAppsDto.class);
    if (dto.apps() == null) {
      return List.of();
    }
    return dto.apps().stream().filter(Objects::nonNull).map(Apps::toApp).toList();
  }

  /**
   * Deletes an app and everything in it ({@code DELETE /apps/{name}}), like {@code fly apps
   * destroy}.
   *
   * @param name the app name
   * @return true when the app was deleted, false when there was no such app
   * @throws InvalidAppNameException when the name breaks a rule (nothing is sent)
   * @throws MachinesApiException when the API refuses
   */
  public boolean delete(String name) {
    AppName.validate(name);
    Call call = Call.mutate("apps.delete", "DELETE", app(name), null);
    return MachinesHttp.optional(() -> http.send(call)).isPresent();
  }

  /**
   * Tells whether an app name is free: the API answers 404 for a free name, 403 for a name taken by
   * another organization, and the app itself when the token's organizations own it.
   *
   * @param name the name to check
   * @return whether an app of that name could be created
   * @throws InvalidAppNameException when the name breaks a rule (nothing is sent)
   * @throws MachinesApiException when the API fails otherwise
   */
  public boolean isAvailable(String name) {
    AppName.validate(name);
    Call call = Call.get("apps.get", app(name));
    try {
      http.send(call);
      return false;
    } catch (MachinesNotFoundException e) {
      return true;
    } catch (MachinesApiException e) {
      if (e.httpStatus() == 403) {
        return false;
      }
      throw e;
    }
  }

  private HttpUrl app(String name) {
    return http.api().addPathSegment("apps").addPathSegment(name).build();
  }

  private static void requireOrg(String orgSlug) {
    Objects.requireNonNull(orgSlug, "orgSlug");
    if (orgSlug.isBlank()) {
      throw new IllegalArgumentException("organization slug is blank");
    }
  }

  static boolean isNameTaken(MachinesApiException e) {
    if (e.status().filter("name_taken"::equals).isPresent()) {
      return true;
    }
    return e.httpStatus() == 422
        && e.error().map(s -> s.toLowerCase(Locale.ROOT).contains("taken")).orElse(false);
  }

  private static App toApp(Json.AppDto dto) {
    if (dto.name() == null || dto.name().isBlank()) {
      throw new MachinesApiException(
          "app without a name in the API's answer", 200, null, null, null, null);
    }
    return new App(
        dto.name(),
        Optional.ofNullable(dto.id()),
        Optional.ofNullable(dto.organization()).map(Json.OrgDto::slug),
        Optional.ofNullable(dto.status()),
        Optional.ofNullable(dto.machineCount()));
  }
}
