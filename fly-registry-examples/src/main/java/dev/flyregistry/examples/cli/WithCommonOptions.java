package dev.flyregistry.examples.cli;

/** A command that takes the common options. */
interface WithCommonOptions {
  CommonOptions common();
}
