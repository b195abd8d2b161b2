# Exploration for #8: face-api's expression model (run.js), the emotion model over its nine views
# (dump_emotion_logits.cpp) and their average of log-probabilities, zero-shot and with class biases
# fitted in a 5-fold cross-validation by identity, on every labelled face of faces-dev's 4 and 6
# expression tasks, also per source (labeller jhamski's film stills vs the press photos).
#   python3 compare.py        # reads logits.f32 and emo6.f32 from the current folder
import csv, os, struct, math, random
rows = list(csv.DictReader(open(os.path.join(os.environ.get('FACES_DEV', '/work/shared/datasets/faces-dev'), 'labels.csv'), newline='')))
n = len(rows)
vals = struct.unpack('<%df' % (2 * n * 7), open('logits.f32', 'rb').read())
FA = ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise']
fa = [[(vals[i*7+k] + vals[n*7+i*7+k]) / 2 for k in range(7)] for i in range(n)]
six = ['happiness', 'sadness', 'anger', 'surprise', 'neutral', 'disgust']
idx6 = [i for i in range(n) if rows[i]['expression'] in six]
assert len(idx6) == 5575
ev = struct.unpack('<%df' % (5575 * 7), open('emo6.f32', 'rb').read())
EM = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']
emo = {}
for j, i in enumerate(idx6): emo[i] = [ev[j*7+k] for k in range(7)]
def logsm(z):
    m = max(z); s = math.log(sum(math.exp(v - m) for v in z)) + m
    return [v - s for v in z]
def score(i, classes, w):
    a = logsm(fa[i]); b = logsm(emo[i])
    return {c: w * a[FA.index(c)] + (1 - w) * b[EM.index(c)] for c in classes}
def bal(classes, pred, subset=lambda i: True):
    rec = []
    for c in classes:
        m = [i for i in pred if rows[i]['expression'] == c and subset(i)]
        if m: rec.append(sum(pred[i] == c for i in m) / len(m))
    return sum(rec) / len(rec)
film = lambda i: 'jhamski' in rows[i]['labeler']
photo = lambda i: 'jhamski' not in rows[i]['labeler']
for classes in (six[:4], six):
    members = [i for i in idx6 if rows[i]['expression'] in classes]
    for w in (0.0, 0.3, 0.5, 0.7, 1.0):
        pred = {}
        for i in members:
            s = score(i, classes, w); pred[i] = max(s, key=s.get)
        print(len(classes), 'w_faceapi=%.1f zero-shot: %.4f film %.4f photos %.4f' % (w, bal(classes, pred), bal(classes, pred, film), bal(classes, pred, photo)))
print('class biases on the ensemble, 5-fold by identity:')
people = sorted(set(r['identity'] for r in rows)); random.Random(1).shuffle(people)
fold = {p: j % 5 for j, p in enumerate(people)}
for classes in (six[:4], six):
    members = [i for i in idx6 if rows[i]['expression'] in classes]
    for w in (0.0, 0.5, 1.0):
        S = {i: score(i, classes, w) for i in members}
        pred = {}
        for f in range(5):
            train = [i for i in members if fold[rows[i]['identity']] != f]
            cnt = {c: sum(rows[i]['expression'] == c for i in train) for c in classes}
            bias = {c: 0.0 for c in classes}
            for it in range(200):
                grad = {c: 0.0 for c in classes}
                for i in train:
                    z = {c: S[i][c] + bias[c] for c in classes}; m = max(z.values())
                    e = {c: math.exp(z[c] - m) for c in classes}; s = sum(e.values())
                    wt = 1.0 / cnt[rows[i]['expression']]
                    for c in classes: grad[c] += wt * ((c == rows[i]['expression']) - e[c] / s)
                for c in classes: bias[c] += 0.5 * grad[c]
            for i in members:
                if fold[rows[i]['identity']] == f:
                    z = {c: S[i][c] + bias[c] for c in classes}; pred[i] = max(z, key=z.get)
        print(len(classes), 'w_faceapi=%.1f biases: %.4f film %.4f photos %.4f' % (w, bal(classes, pred), bal(classes, pred, film), bal(classes, pred, photo)))
