global using MigrationFormat.Samples;
global using MigrationFormat.Visitors;
global using Xunit;
