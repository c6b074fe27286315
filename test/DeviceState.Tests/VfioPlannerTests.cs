using MigrationFormat.DeviceState.Vfio;
using Xunit;

namespace MigrationFormat.DeviceState.Tests;

/// <summary>The planner against the kernel's algorithm, on every (current, target) pair for every feature set.</summary>
public sealed class VfioPlannerTests
{
    private const VfioMigrationFeatures All = VfioMigrationFeatures.All;

    public static TheoryData<int> FeatureSets()
    {
        var data = new TheoryData<int>();
        for (int flags = 0; flags < 8; flags++)
        {
            data.Add(flags);
        }

        data.Add(8);
        data.Add(0x17);
        return data;
    }

    [Theory]
    [MemberData(nameof(FeatureSets))]
    public void Plan_EveryPairOfStates_MatchesTheKernelsAlgorithm(int flags)
    {
        var features = (VfioMigrationFeatures)flags;
        foreach (int current in StatesAndOutliers())
        {
            foreach (int target in StatesAndOutliers())
            {
                VfioTransitionPlan plan = VfioTransitionPlanner.Plan((VfioDeviceState)current, (VfioDeviceState)target, features);
                List<int>? expected = KernelReference.Walk(current, target, flags, fixedKernel: true);
                if (expected is null)
                {
                    Assert.False(plan.IsPossible, $"{current} -> {target} with 0x{flags:x}: the kernel refuses, the planner gave {plan}");
                    Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
                    Assert.Empty(plan.States);
                }
                else
                {
                    Assert.True(plan.IsPossible, $"{current} -> {target} with 0x{flags:x}: {plan.Reason}");
                    Assert.Equal(expected, plan.States.Select(s => (int)s));
                }
            }
        }
    }

    [Fact]
    public async Task Plan_EveryRequest_Terminates()
    {
        // Every request, including the one that hung unfixed kernels, returns within a generous bound.
        var all = Task.Run(() =>
        {
            int count = 0;
            for (int flags = 0; flags < 16; flags++)
            {
                foreach (int current in StatesAndOutliers())
                {
                    foreach (int target in StatesAndOutliers())
                    {
                        VfioTransitionPlan plan = VfioTransitionPlanner.Plan((VfioDeviceState)current, (VfioDeviceState)target, (VfioMigrationFeatures)flags);
                        Assert.InRange(plan.ArcCount, 0, VfioStates.Count - 1);
                        count++;
                    }
                }
            }

            return count;
        });
        int count = await all.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(16 * 10 * 10, count);
    }

    [Theory]
    [MemberData(nameof(FeatureSets))]
    public void Plan_EveryPossiblePath_IsAShortestPathOfSupportedSingleArcsThatEndsOnceItEntersTheSavingGroup(int flags)
    {
        var features = (VfioMigrationFeatures)flags;
        foreach (VfioDeviceState current in VfioStates.All)
        {
            foreach (VfioDeviceState target in VfioStates.All)
            {
                VfioTransitionPlan plan = VfioTransitionPlanner.Plan(current, target, features);
                if (!plan.IsPossible)
                {
                    continue;
                }

                Assert.Equal(current, plan.States[0]);
                Assert.Equal(target, plan.States[^1]);
                foreach (VfioDeviceState state in plan.States)
                {
                    Assert.True(VfioStates.IsSupported(state, features), $"{plan}: {state} is not supported with {features}");
                }

                // A path that enters the saving group from outside ends there; one that starts inside may move within it.
                for (int i = 1; i < plan.States.Count - 1; i++)
                {
                    bool enteredFromOutside = VfioStates.IsSaving(plan.States[i]) && !VfioStates.IsSaving(plan.States[i - 1]);
                    Assert.False(enteredFromOutside, $"{plan}: the path enters {plan.States[i]} and goes on");
                }

                foreach ((VfioDeviceState from, VfioDeviceState to) in plan.Arcs())
                {
                    Assert.True(IsSingleArc(from, to, features), $"{plan}: {from} -> {to} is not a single arc for {features}");
                    Assert.NotEqual(VfioArcKind.None, VfioArcs.Classify(from, to));
                }

                Assert.Equal(ShortestRuleAbidingPath(current, target, features), plan.ArcCount);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FeatureSets))]
    public void Plan_RefusalsWithValidInput_AreExactlyTheBlockedStopCopyToPreCopyRequests(int flags)
    {
        var features = (VfioMigrationFeatures)flags;
        bool validFeatures = (features & VfioMigrationFeatures.StopCopy) != 0 && (features & ~All) == 0;
        foreach (VfioDeviceState current in VfioStates.All)
        {
            foreach (VfioDeviceState target in VfioStates.All)
            {
                bool validRequest = validFeatures && current != VfioDeviceState.Error && target != VfioDeviceState.Error
                    && VfioStates.IsSupported(current, features) && VfioStates.IsSupported(target, features);
                bool blocked = current == VfioDeviceState.StopCopy && target is VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P;
                Assert.Equal(validRequest && !blocked, VfioTransitionPlanner.Plan(current, target, features).IsPossible);
            }
        }
    }

    [Theory]
    [InlineData("RUNNING", "STOP_COPY", "stop-copy,p2p,pre-copy", "RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY")]
    [InlineData("RUNNING", "STOP_COPY", "stop-copy", "RUNNING -> STOP -> STOP_COPY")]
    [InlineData("PRE_COPY", "STOP_COPY", "stop-copy,p2p,pre-copy", "PRE_COPY -> PRE_COPY_P2P -> STOP_COPY")]
    [InlineData("PRE_COPY", "STOP_COPY", "stop-copy,pre-copy", "PRE_COPY -> STOP_COPY")]
    [InlineData("RESUMING", "PRE_COPY", "stop-copy,p2p,pre-copy", "RESUMING -> STOP -> RUNNING_P2P -> RUNNING -> PRE_COPY")]
    [InlineData("STOP_COPY", "RUNNING", "stop-copy,p2p", "STOP_COPY -> STOP -> RUNNING_P2P -> RUNNING")]
    [InlineData("RUNNING_P2P", "PRE_COPY_P2P", "stop-copy,p2p,pre-copy", "RUNNING_P2P -> PRE_COPY_P2P")]
    [InlineData("STOP", "STOP", "stop-copy", "STOP")]
    public void Plan_KnownRequests_GiveTheKernelsPath(string from, string to, string featureList, string expected)
    {
        Assert.True(VfioStates.TryParse(from, out VfioDeviceState current));
        Assert.True(VfioStates.TryParse(to, out VfioDeviceState target));
        Assert.True(VfioStates.TryParseFeatures(featureList, out VfioMigrationFeatures features, out _));
        Assert.Equal(expected, VfioTransitionPlanner.Plan(current, target, features).ToString());
    }

    [Theory]
    [InlineData(VfioDeviceState.StopCopy, VfioDeviceState.PreCopy, All, "blocks")]
    [InlineData(VfioDeviceState.StopCopy, VfioDeviceState.PreCopyP2P, All, "blocks")]
    [InlineData(VfioDeviceState.Running, VfioDeviceState.Error, All, "never a state to request")]
    [InlineData(VfioDeviceState.Error, VfioDeviceState.Running, All, "reset")]
    [InlineData(VfioDeviceState.Running, VfioDeviceState.PreCopy, VfioMigrationFeatures.StopCopy, "needs stop-copy,pre-copy")]
    [InlineData(VfioDeviceState.RunningP2P, VfioDeviceState.Stop, VfioMigrationFeatures.StopCopy, "cannot be in RUNNING_P2P")]
    [InlineData(VfioDeviceState.Running, VfioDeviceState.Stop, VfioMigrationFeatures.P2P, "stop-copy feature")]
    [InlineData((VfioDeviceState)9, VfioDeviceState.Stop, All, "not one of the uAPI's states")]
    public void Plan_ImpossibleRequest_IsRefusedWithItsReason(VfioDeviceState current, VfioDeviceState target, VfioMigrationFeatures features, string reason)
    {
        VfioTransitionPlan plan = VfioTransitionPlanner.Plan(current, target, features);
        Assert.False(plan.IsPossible);
        Assert.Contains(reason, plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelReference_UnfixedKernel_LoopsOnStopCopyToPreCopyWhereThePlannerRefuses()
    {
        // The unfixed skip loop follows ERROR's row forever (ERROR needs every flag); the reference stops at a bound.
        Assert.Throws<InvalidOperationException>(
            () => KernelReference.Walk((int)VfioDeviceState.StopCopy, (int)VfioDeviceState.PreCopy, 7, fixedKernel: false));
        Assert.Null(KernelReference.Walk((int)VfioDeviceState.StopCopy, (int)VfioDeviceState.PreCopy, 7, fixedKernel: true));
        Assert.False(VfioTransitionPlanner.Plan(VfioDeviceState.StopCopy, VfioDeviceState.PreCopy, All).IsPossible);
    }

    [Theory]
    [InlineData("running", VfioDeviceState.Running)]
    [InlineData("RUNNING_P2P", VfioDeviceState.RunningP2P)]
    [InlineData("pre-copy-p2p", VfioDeviceState.PreCopyP2P)]
    [InlineData("VFIO_DEVICE_STATE_STOP_COPY", VfioDeviceState.StopCopy)]
    [InlineData("4", VfioDeviceState.Resuming)]
    public void TryParse_UapiNamesAndNumbers_GiveTheState(string text, VfioDeviceState expected)
    {
        Assert.True(VfioStates.TryParse(text, out VfioDeviceState state));
        Assert.Equal(expected, state);
    }

    [Theory]
    [InlineData("")]
    [InlineData("paused")]
    [InlineData("8")]
    [InlineData("-1")]
    public void TryParse_OtherText_Fails(string text) => Assert.False(VfioStates.TryParse(text, out _));

    [Fact]
    public void ArcTable_ErrorRowAndStopCopyToPreCopy_AreBlocked()
    {
        foreach (VfioDeviceState target in VfioStates.All)
        {
            Assert.Equal(VfioDeviceState.Error, VfioArcTable.Next(VfioDeviceState.Error, target));
        }

        Assert.Equal(VfioDeviceState.Error, VfioArcTable.Next(VfioDeviceState.StopCopy, VfioDeviceState.PreCopy));
        Assert.Equal(VfioDeviceState.Error, VfioArcTable.Next(VfioDeviceState.StopCopy, VfioDeviceState.PreCopyP2P));
        Assert.Equal(VfioDeviceState.Stop, VfioArcTable.Next(VfioDeviceState.StopCopy, VfioDeviceState.Running));
    }

    private static IEnumerable<int> StatesAndOutliers()
    {
        for (int state = 0; state < 8; state++)
        {
            yield return state;
        }

        yield return 8;
        yield return 255;
    }

    /// <summary>The arcs vfio.h lists; RUNNING and STOP, and PRE_COPY and STOP_COPY, are joined directly only without P2P.</summary>
    private static bool IsSingleArc(VfioDeviceState from, VfioDeviceState to, VfioMigrationFeatures features)
    {
        bool p2p = (features & VfioMigrationFeatures.P2P) != 0;
        return (from, to) switch
        {
            (VfioDeviceState.Running, VfioDeviceState.Stop) or (VfioDeviceState.Stop, VfioDeviceState.Running) => !p2p,
            (VfioDeviceState.PreCopy, VfioDeviceState.StopCopy) => !p2p,
            _ => VfioArcs.Classify(from, to) != VfioArcKind.None,
        };
    }

    /// <summary>Breadth-first search over single arcs of supported states, never going on from a saving state entered from outside the group.</summary>
    private static int ShortestRuleAbidingPath(VfioDeviceState from, VfioDeviceState to, VfioMigrationFeatures features)
    {
        var distance = new Dictionary<VfioDeviceState, int> { [from] = 0 };
        var enteredFromOutside = new HashSet<VfioDeviceState>();
        var queue = new Queue<VfioDeviceState>([from]);
        while (queue.Count > 0)
        {
            VfioDeviceState state = queue.Dequeue();
            if (state == to)
            {
                return distance[state];
            }

            if (enteredFromOutside.Contains(state))
            {
                continue;
            }

            foreach (VfioDeviceState next in VfioStates.All)
            {
                if (!distance.ContainsKey(next) && VfioStates.IsSupported(next, features) && IsSingleArc(state, next, features))
                {
                    if (VfioStates.IsSaving(next) && !VfioStates.IsSaving(state))
                    {
                        enteredFromOutside.Add(next);
                    }

                    distance[next] = distance[state] + 1;
                    queue.Enqueue(next);
                }
            }
        }

        return -1;
    }

    /// <summary>
    /// The kernel's <c>vfio_mig_get_next_state</c> and a driver's stepping loop, transcribed on their own from
    /// drivers/vfio/vfio_main.c (table rows as the kernel writes them), as a reference for the planner.
    /// </summary>
    private static class KernelReference
    {
        private const int Error = 0, Stop = 1, Running = 2, StopCopy = 3, Resuming = 4, RunningP2P = 5, PreCopy = 6, PreCopyP2P = 7;
        private const uint Sc = 1, P2p = 2, Pc = 4;

        private static readonly Dictionary<int, Dictionary<int, int>> Table = new()
        {
            [Stop] = new()
            {
                [Stop] = Stop, [Running] = RunningP2P, [PreCopy] = RunningP2P, [PreCopyP2P] = RunningP2P,
                [StopCopy] = StopCopy, [Resuming] = Resuming, [RunningP2P] = RunningP2P, [Error] = Error,
            },
            [Running] = new()
            {
                [Stop] = RunningP2P, [Running] = Running, [PreCopy] = PreCopy, [PreCopyP2P] = RunningP2P,
                [StopCopy] = RunningP2P, [Resuming] = RunningP2P, [RunningP2P] = RunningP2P, [Error] = Error,
            },
            [PreCopy] = new()
            {
                [Stop] = Running, [Running] = Running, [PreCopy] = PreCopy, [PreCopyP2P] = PreCopyP2P,
                [StopCopy] = PreCopyP2P, [Resuming] = Running, [RunningP2P] = Running, [Error] = Error,
            },
            [PreCopyP2P] = new()
            {
                [Stop] = RunningP2P, [Running] = RunningP2P, [PreCopy] = PreCopy, [PreCopyP2P] = PreCopyP2P,
                [StopCopy] = StopCopy, [Resuming] = RunningP2P, [RunningP2P] = RunningP2P, [Error] = Error,
            },
            [StopCopy] = new()
            {
                [Stop] = Stop, [Running] = Stop, [PreCopy] = Error, [PreCopyP2P] = Error,
                [StopCopy] = StopCopy, [Resuming] = Stop, [RunningP2P] = Stop, [Error] = Error,
            },
            [Resuming] = new()
            {
                [Stop] = Stop, [Running] = Stop, [PreCopy] = Stop, [PreCopyP2P] = Stop,
                [StopCopy] = Stop, [Resuming] = Resuming, [RunningP2P] = Stop, [Error] = Error,
            },
            [RunningP2P] = new()
            {
                [Stop] = Stop, [Running] = Running, [PreCopy] = Running, [PreCopyP2P] = PreCopyP2P,
                [StopCopy] = Stop, [Resuming] = Stop, [RunningP2P] = RunningP2P, [Error] = Error,
            },
            [Error] = new()
            {
                [Stop] = Error, [Running] = Error, [PreCopy] = Error, [PreCopyP2P] = Error,
                [StopCopy] = Error, [Resuming] = Error, [RunningP2P] = Error, [Error] = Error,
            },
        };

        private static readonly Dictionary<int, uint> StateFlags = new()
        {
            [Stop] = Sc, [Running] = Sc, [PreCopy] = Sc | Pc, [PreCopyP2P] = Sc | P2p | Pc,
            [StopCopy] = Sc, [Resuming] = Sc, [RunningP2P] = Sc | P2p, [Error] = ~0u,
        };

        /// <summary>The states a driver passes through, or null for EINVAL; throws when the walk does not end.</summary>
        public static List<int>? Walk(int current, int target, int deviceFlags, bool fixedKernel)
        {
            // Registration refuses a device without STOP_COPY, and flags beyond the uAPI's three.
            if ((deviceFlags & Sc) == 0 || (deviceFlags & ~7) != 0)
            {
                return null;
            }

            var path = new List<int> { current };
            int state = current;
            while (state != target)
            {
                int? next = NextState(state, target, (uint)deviceFlags, fixedKernel);
                if (next is null)
                {
                    return null;
                }

                state = next.Value;
                path.Add(state);
                if (path.Count > 64)
                {
                    throw new InvalidOperationException("the driver loop does not reach the target");
                }
            }

            // A request for the current state is no step, but the kernel still refuses a state the device cannot have.
            return Valid(current, (uint)deviceFlags) && Valid(target, (uint)deviceFlags) ? path : null;
        }

        private static bool Valid(int state, uint flags) => StateFlags.TryGetValue(state, out uint needed) && (needed & flags) == needed;

        private static int? NextState(int current, int target, uint flags, bool fixedKernel)
        {
            if (!Valid(current, flags) || !Valid(target, flags))
            {
                return null;
            }

            int next = Table[current][target];
            int spins = 0;
            while ((!fixedKernel || next != Error) && (StateFlags[next] & flags) != StateFlags[next])
            {
                next = Table[next][target];
                if (++spins > 1000)
                {
                    throw new InvalidOperationException("the skip loop does not end");
                }
            }

            return next != Error ? next : null;
        }
    }
}
