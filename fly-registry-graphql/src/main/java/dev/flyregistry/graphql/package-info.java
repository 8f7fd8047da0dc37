/** Typed client for Fly's GraphQL API: releases, image references and app lookups. */
package dev.flyregistry.graphql;
