global using MigrationFormat.Schema.Qemu;
global using Xunit;
