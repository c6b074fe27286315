using MigrationFormat.Tests.Shared;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// Every entry of <see cref="MigrationStreamReader.LoadAll"/>'s result, a section passed over too, is charged to the
/// resource budget, so that a stream of many small sections cannot make the result many times the stream's size.
/// </summary>
public class LoadAllBudgetTests
{
    private static readonly ResourceBudget SmallBudget = new() { FixedBytes = 64 * 1024 };

    [Fact]
    public void LoadAll_MorePassedOverSectionsThanTheBudgetHolds_ThrowsLimitExceeded()
    {
        // 17 bytes a section, 193 bytes an entry: the entries outgrow 64 kB plus the input after about 370 sections.
        byte[] stream = HostileInputs.ManyEmptySections(5000);
        using var reader = new MigrationStreamReader(stream, new BerLoadOptions { Budget = SmallBudget });

        var ex = Assert.Throws<MigrationFormatException>(() => reader.LoadAll(_ => null));

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
        Assert.InRange(ex.Offset, 300 * 17, 500 * 17);
    }

    [Fact]
    public void LoadAll_PassedOverSectionsWithinTheBudget_ListsEveryOne()
    {
        byte[] stream = HostileInputs.ManyEmptySections(300);
        using var reader = new MigrationStreamReader(stream, new BerLoadOptions { Budget = SmallBudget });

        IReadOnlyList<SectionLoadResult> results = reader.LoadAll(_ => null);

        Assert.Equal(300, results.Count);
        Assert.All(results, result => Assert.Null(result.Device));
    }
}
