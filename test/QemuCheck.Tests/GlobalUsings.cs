global using MigrationFormat.Qemu;
global using Xunit;
