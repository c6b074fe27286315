using Xunit;

namespace MigrationFormat.Packaging.Tests;

/// <summary>The tests that share one packing, one user project and one tool installation (a minute or two).</summary>
[CollectionDefinition(Name)]
public sealed class InstalledPackagesGroup : ICollectionFixture<InstalledPackages>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Installed packages";
}
