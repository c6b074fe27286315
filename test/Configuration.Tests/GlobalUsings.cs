global using MigrationFormat.Samples;
global using MigrationFormat.Schema;
global using MigrationFormat.Visitors;
global using Xunit;
