using FsCheck.Xunit;
using MigrationFormat.Schema;

namespace MigrationFormat.Visitors.Tests;

/// <summary>
/// The static checker, given only the two versions' schemas, predicts what the loader does with a real stream:
/// over random schema evolutions and random values, in both directions.
/// </summary>
public class CheckerAgreementPropertyTests
{
    [Property(MaxTest = 400)]
    public void Check_RandomEvolution_VerdictEqualsLoadOutcomeInBothDirections(int seed)
    {
        var random = new Random(seed);
        RandomSchema schema = RandomSchema.Generate(random);
        int older = random.Next(1, 4), newer = random.Next(older, 4);
        foreach ((int i, int j) in new[] { (older, newer), (newer, older) })
        {
            RandomDevice source = RandomDevicePropertyTests.Busy(schema, i, random);

            // What the checker cannot see: whether an optional group is sent, and whether a value fits a narrower field.
            source.GroupPresent = true;
            WidenValuesBeyondNarrowerWidths(schema, source, i, j);

            CompatibilityReport verdict = CompatibilityChecker.Check(DeviceSchema.For(schema.Type, i), DeviceSchema.For(schema.Type, j));
            byte[] stream = StateDump.Save(source);
            Exception? error = Record.Exception(() => StateDump.Load(stream, RandomDevicePropertyTests.Busy(schema, j, random)));

            string context = $"seed {seed}, v{i} -> v{j}: {schema}; checker: {string.Join("; ", verdict.Issues)}; load: {error?.Message ?? "ok"}";
            Assert.True(verdict.IsCompatible == (error is null), context);
            if (error is not null)
            {
                Assert.IsType<MigrationFormatException>(error);
            }
        }
    }

    [Fact]
    public void Check_GeneratedEvolutions_ReachEveryKindOfBreakAndCompatiblePairs()
    {
        // Guards the property against vacuity: the generator gives compatible pairs and each kind of break.
        var kinds = new HashSet<CompatibilityIssueKind>();
        int compatible = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            RandomSchema schema = RandomSchema.Generate(random);
            int older = random.Next(1, 4), newer = random.Next(older, 4);
            foreach ((int i, int j) in new[] { (older, newer), (newer, older) })
            {
                CompatibilityReport verdict = CompatibilityChecker.Check(DeviceSchema.For(schema.Type, i), DeviceSchema.For(schema.Type, j));
                compatible += verdict.IsCompatible ? 1 : 0;
                kinds.UnionWith(verdict.Issues.Select(issue => issue.Kind));
            }
        }

        Assert.True(compatible > 50);
        Assert.Contains(CompatibilityIssueKind.UnknownMustParseField, kinds);
        Assert.Contains(CompatibilityIssueKind.IntegerNarrowed, kinds);
    }

    /// <summary>Gives every field that is narrower at the destination a value that does not fit there.</summary>
    private static void WidenValuesBeyondNarrowerWidths(RandomSchema schema, RandomDevice source, int i, int j)
    {
        for (int k = 0; k < schema.Fields.Length; k++)
        {
            FieldModel field = schema.Fields[k];
            if (!field.Exists(i) || !field.Exists(j))
            {
                continue;
            }

            FieldKind from = field.KindAt(i), to = field.KindAt(j);
            if (from.IsInteger() && to.IsInteger() && from.BitWidth() > to.BitWidth())
            {
                source.Values[k] = from.IsSigned() ? -(1L << (to.BitWidth() - 1)) - 1 : 1L << to.BitWidth();
            }
        }
    }
}
