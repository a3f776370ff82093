"""What the scripts that edit committed run.json files share: writing one back."""
import json, os


def write_edited(path, text):
    """Writes text, a run.json edited as text (the rest of the file stays as the run wrote it), in place of path:
    only if it is still one valid JSON document, and through a rename, so a crash leaves the old file or the new."""
    json.loads(text)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)
