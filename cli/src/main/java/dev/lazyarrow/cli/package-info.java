/** The {@code lazyarrow} command line: one picocli command class per subcommand. */
package dev.lazyarrow.cli;
