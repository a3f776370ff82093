using System.Text.Json.Nodes;

namespace Aevb.Training.Runs;

/// <summary>
/// Which builds trained which samples of a run: run.json's <c>revisions</c>, one stretch per build in the order they
/// ran (<c>{"git_revision", "from_samples", "to_samples"}</c>, and <c>"reconstructed": true</c> where the stretch was
/// read back from the repository's history of run.json for runs trained before this record, see
/// <c>scripts/backfill-run-revisions.py</c>). A figure run is resumed across sessions, each with the
/// build of its day, and <c>git_revision</c> names only the last one: without this record a stretch trained from a
/// modified tree ("+dirty") would vanish from run.json once a clean build resumed the run.
/// </summary>
public sealed class RunRevisions
{
    public const string Key = "revisions";

    /// <param name="Revision">The sources' revision (<see cref="RunProvenance.GitRevision"/>).</param>
    /// <param name="From">Where the stretch starts; null where that is not known (run.json written before this record:
    /// its one revision is known to have trained up to <paramref name="To"/>, not from where).</param>
    /// <param name="To">Where it ends.</param>
    /// <param name="Reconstructed">Read back from the repository's history rather than written by the run.</param>
    public sealed record Stretch(string Revision, long? From, long To, bool Reconstructed = false)
    {
        /// <summary>Built from a tree whose tracked sources differed from the commit.</summary>
        public bool Modified => Revision.EndsWith("+dirty", StringComparison.Ordinal);
    }

    private RunRevisions(IReadOnlyList<Stretch> stretches) => Stretches = stretches;

    public static readonly RunRevisions None = new([]);

    public IReadOnlyList<Stretch> Stretches { get; }

    /// <summary>The samples trained from a modified tree, neighbouring stretches joined (From null: start not known).</summary>
    public IReadOnlyList<(long? From, long To)> Modified
    {
        get
        {
            var spans = new List<(long? From, long To)>();
            foreach (var s in Stretches.Where(s => s.Modified))
                if (spans.Count > 0 && spans[^1].To == s.From) spans[^1] = (spans[^1].From, s.To);
                else spans.Add((s.From, s.To));
            return spans;
        }
    }

    /// <summary>
    /// The record in run.json: its <c>revisions</c>, or, for run.json written before them, its <c>git_revision</c> as
    /// one stretch of unknown start up to <c>samples_seen</c>.
    /// </summary>
    public static RunRevisions Read(JsonObject? info)
    {
        if (info?[Key] is JsonArray array)
            return new(array.OfType<JsonObject>().Select(o => new Stretch(
                o["git_revision"]?.GetValue<string>() ?? "unknown",
                o["from_samples"]?.GetValue<long>(),
                o["to_samples"]?.GetValue<long>() ?? 0,
                o["reconstructed"]?.GetValue<bool>() ?? false)).ToList());
        return info?["git_revision"]?.GetValue<string>() is { } revision
            ? new([new Stretch(revision, null, info["samples_seen"]?.GetValue<long>() ?? 0)])
            : None;
    }

    /// <summary>
    /// This record with <paramref name="revision"/> having trained from <paramref name="from"/> (where the run
    /// resumed; 0 for a fresh start, which leaves nothing of the earlier record) to <paramref name="to"/>: what lay
    /// beyond <paramref name="from"/> is gone (training picks up at the checkpoint), and a build carrying on its own
    /// stretch extends it.
    /// </summary>
    public RunRevisions Continue(string revision, long from, long to)
    {
        List<Stretch> kept = from == 0 ? [] : Stretches.Where(s => (s.From ?? 0) < from)
            .Select(s => s with { To = Math.Min(s.To, from) }).ToList();
        if (to <= from) return new(kept);
        if (kept.Count > 0 && kept[^1].Revision == revision && kept[^1].To == from)
            kept[^1] = kept[^1] with { To = to };
        else
            kept.Add(new Stretch(revision, from, to));
        return new(kept);
    }

    public JsonArray ToJson() => new(Stretches.Select(s =>
    {
        var json = new JsonObject { ["git_revision"] = s.Revision, ["from_samples"] = s.From, ["to_samples"] = s.To };
        if (s.Reconstructed) json["reconstructed"] = true;
        return (JsonNode)json;
    }).ToArray());
}
