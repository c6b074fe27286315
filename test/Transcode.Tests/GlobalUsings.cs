global using MigrationFormat.Visitors.Qemu;
global using Xunit;
