using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit.Abstractions;

namespace MigrationFormat.QemuCheck.Tests;

/// <summary>
/// Checker = runtime: for random edits of real QEMU 7.2 device entries, both directions, the checker's verdict is what the
/// simulated destination does with a stream the simulated source saved from the real stream's values: compatible when it loads
/// cleanly under both send policies, incompatible when under neither, conditional otherwise; and an incompatible verdict names
/// silent corruption or refusal as the simulation found it.
/// </summary>
public sealed class CheckerEqualsRuntimeTests(ITestOutputHelper output)
{
    private static readonly EditKind[] Kinds = Enum.GetValues<EditKind>();

    [Fact]
    public void Check_TwentyEditsOfEveryKindBothDirections_AgreesWithTheSimulatedDestinationOnEveryPair()
    {
        var random = new Random(18);
        var table = new SortedDictionary<EditKind, (int Pairs, int Agree, int Compatible, int Conditional, int Incompatible, int OneReason)>();
        var disagreements = new List<string>();
        foreach (EditKind kind in Kinds)
        {
            int made = 0;
            for (int attempt = 0; attempt < 400 && made < 20; attempt++)
            {
                RealStreamDevices.RealDevice real = RealStreamDevices.PcDevices[random.Next(RealStreamDevices.PcDevices.Count)];
                if (EditGenerator.Apply(real.Entry, kind, random) is not { } edited)
                {
                    continue;
                }

                made++;
                foreach ((VmStateDumpDevice source, VmStateDumpDevice destination) in new[] { (real.Entry, edited), (edited, real.Entry) })
                {
                    (bool agree, string why, VmStateDeviceResult result) = Compare(real, source, destination);
                    var row = table.GetValueOrDefault(kind);
                    table[kind] = (
                        row.Pairs + 1,
                        row.Agree + (agree ? 1 : 0),
                        row.Compatible + (result.Verdict == VmStateVerdict.Compatible ? 1 : 0),
                        row.Conditional + (result.Verdict == VmStateVerdict.Conditional ? 1 : 0),
                        row.Incompatible + (result.Verdict == VmStateVerdict.Incompatible ? 1 : 0),
                        row.OneReason + (result.Findings.Count(f => f.Severity > VmStateSeverity.Warning) <= 1 ? 1 : 0));
                    if (!agree)
                    {
                        disagreements.Add($"{kind} {real.Entry.QomType}: {why}");
                    }
                }
            }
        }

        output.WriteLine("| edit kind | pairs | agree | compatible | conditional | incompatible | at most one reason |");
        foreach ((EditKind kind, var row) in table)
        {
            output.WriteLine($"| {kind} | {row.Pairs} | {row.Agree} | {row.Compatible} | {row.Conditional} | {row.Incompatible} | {row.OneReason} |");
        }

        foreach (string d in disagreements.Take(20))
        {
            output.WriteLine(d);
        }

        Assert.Equal(Kinds.Length, table.Count);
        Assert.All(table, row => Assert.True(row.Value.Pairs >= 20, $"{row.Key}: only {row.Value.Pairs} pairs"));
        Assert.Empty(disagreements);
    }

    [Property(MaxTest = 200)]
    public Property Check_RandomEdit_VerdictEqualsSimulatedLoad()
    {
        Gen<(int Device, EditKind Kind, int Seed, bool Reverse)> cases =
            from device in Gen.Choose(0, RealStreamDevices.PcDevices.Count - 1)
            from kind in Gen.Elements(Kinds)
            from seed in Gen.Choose(0, int.MaxValue - 1)
            from reverse in Gen.Elements(false, true)
            select (device, kind, seed, reverse);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            RealStreamDevices.RealDevice real = RealStreamDevices.PcDevices[c.Device];
            if (EditGenerator.Apply(real.Entry, c.Kind, new Random(c.Seed)) is not { } edited)
            {
                return true;
            }

            (bool agree, string _, VmStateDeviceResult _) = c.Reverse ? Compare(real, edited, real.Entry) : Compare(real, real.Entry, edited);
            return agree;
        });
    }

    internal static (bool Agree, string Why, VmStateDeviceResult Result) Compare(RealStreamDevices.RealDevice real, VmStateDumpDevice source,
        VmStateDumpDevice destination)
    {
        VmStateDeviceResult result = VmStateChecker.CheckDevice(source, destination.Description is null ? null : destination);
        SimulatedOutcome low = SimulatedMigration.Run(real, source, destination, VmStateSendPolicy.Minimal);
        SimulatedOutcome high = SimulatedMigration.Run(real, source, destination, VmStateSendPolicy.Maximal);
        VmStateVerdict expected = low == SimulatedOutcome.Clean && high == SimulatedOutcome.Clean ? VmStateVerdict.Compatible
            : low != SimulatedOutcome.Clean && high != SimulatedOutcome.Clean ? VmStateVerdict.Incompatible
            : VmStateVerdict.Conditional;
        bool agree = expected == result.Verdict;
        if (agree && expected == VmStateVerdict.Incompatible)
        {
            VmStateSeverity severity = low == SimulatedOutcome.Refused ? VmStateSeverity.Refused : VmStateSeverity.SilentCorruption;
            agree = result.Findings.Any(f => f.Severity == severity);
        }

        string why = $"checker {result.Verdict} [{string.Join(" | ", result.Findings.Take(2))}], simulation minimal {low}, maximal {high}";
        return (agree, why, result);
    }
}
