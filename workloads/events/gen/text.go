package gen

import (
	"strconv"
	"strings"
)

// The text the generator draws from: commit messages, titles and bodies
// with the escapes, quotes, non-ASCII text and emoji of real ones. Every
// string here is valid UTF-8; "%s" and "%d" are filled in by fill.

var subjects = []string{
	"Fix typo in README",
	"Update dependencies",
	"Add tests for %s",
	"Refactor %s handling",
	"Merge pull request #%d from %s",
	"Merge branch 'main' into %s",
	"Bump %s from 1.%d.0 to 1.%d.1",
	`Revert "Add %s"`,
	`fix: handle "quoted" values in %s`,
	`docs: escape backslashes in C:\Program Files\%s`,
	"feat: ajouter la prise en charge de l'été pour %s",
	"修复 %s 中的内存泄漏",
	"Исправить обработку %s",
	"Ünicode-Dateinamen in %s unterstützen",
	"🐛 fix crash when %s is empty",
	"🚀 release v2.%d.0",
	"chore(deps): update %s ✓",
	"WIP",
	"tabs\tand\ttabs in %s",
	"Remove trailing whitespace   ",
	"日本語のコメントを追加 (%s)",
	"Corrige l’erreur « %s »",
	"Añadir compatibilidad con ñ en %s",
	"Ελληνικά: διόρθωση %s",
	"✨ Add emoji support 🎉 to %s",
	`Handle \n and \t escapes in %s`,
	"Use `\"%s\"` as the default",
	"null",
	"Fix </script> injection & <b>bold</b> in %s",
	"Improve performance of %s by 12%%",
	"Initial commit",
	"ci: run tests on ubuntu-latest 🐧",
	"Translate %s into 한국어",
	"Format code with gofmt",
	"Add \u00a0non-breaking space handling to %s",
	"Update CHANGELOG.md for %s",
}

var things = []string{
	"parser", "config loader", "the CLI", "README.md", "src/main.rs",
	"lodash", "@types/node", "golang.org/x/net", "feature/login", "scheduler",
	"HTTP client", "i18n", "café.go", "naïve-bayes", "Straße.py", "dashboard",
	"src\\win\\paths.c", "user/репозиторий", "api/v2", "docker-compose.yml",
	"webpack", "the \"legacy\" mode", "über-config", "测试用例", "token bucket",
}

var bodyLines = []string{
	"Signed-off-by: %s <%s>",
	"Co-authored-by: %s <%s>",
	"- %s",
	"Closes #%d",
	"```go\nfmt.Println(\"héllo, wörld\")\n```",
	`Path: C:\Users\%s\AppData\Local`,
	"\tindented with a tab",
	"See https://example.com/issues/%d?q=a&b=c",
	"Emoji: 🚀🔥👍🏽👨‍👩‍👧 and ✓",
	`Quote: "%s"`,
	"Это тестовое описание изменений.",
	"这是一个测试描述，包含中文标点。",
	"Les accents : é, è, ê, à, ç, œ.",
	"Größere Änderungen an der Übersetzung.",
	"| col | value |\n|-----|-------|\n| a   | 1     |",
	"> quoted reply\n> with two lines",
	"Backslash-n literally: \\n, and a real\nnewline.",
	"JSON inside: {\"key\": \"value\", \"n\": [1, 2, 3]}",
	"<!-- hidden comment -->",
	"Steps to reproduce:\r\n1. run `make`\r\n2. see error",
	"Fixes a regression introduced in %s.",
	"Ça marche ✅ — merci !",
	"Tested on macOS 🍎, Linux 🐧 and Windows 🪟.",
}

var words = []string{
	"fast", "json", "awesome", "go", "rust", "hello", "world", "tool", "kit",
	"api", "web", "cli", "db", "sync", "core", "lib", "bench", "parser",
	"react", "vue", "dotfiles", "notes", "blog", "site", "docs", "infra",
	"ml", "data", "engine", "proxy", "server", "client", "ui", "plugin",
}

var syllables = []string{
	"ka", "ro", "mi", "te", "zu", "li", "an", "dev", "jo", "sa", "ne", "ko",
	"max", "al", "ex", "vin", "tor", "el", "na", "bo", "chi", "yu", "pet", "ra",
}

var personNames = []string{
	"José García", "Jürgen Müller", "李雷", "Дмитрий Иванов", "Zoë Ström",
	"Søren Kierkegaard", "Ada Lovelace", "Grace Hopper", "Nguyễn Văn An",
	"François O'Neil", "Ōta Kenji", "Łukasz Żółć", "Ayşe Yılmaz", "dependabot[bot]",
	"Renée \"Rae\" Dubois", "Björk Guðmundsdóttir", "محمد علي", "Sam",
}

var languages = []string{"Go", "Rust", "Python", "JavaScript", "TypeScript", "C++", "Java", "Ruby", "Shell", "C#", ""}

var labelNames = []string{"bug", "enhancement", "good first issue", "help wanted", "documentation", "dependencies", "wontfix", "priorité: haute", "🚀 release", "area/parser"}

var branches = []string{"main", "master", "develop", "feature/login", "fix/issue-42", "release/v2", "dependabot/npm_and_yarn/lodash-4.17.21", "renovate/all-minor-patch", "gh-pages", "ünïcode-branch"}

var paths = []string{"README.md", "src/main.go", "lib/parser.rs", "docs/guide.md", "pkg/api/handler.go", "test/fixtures/données.json", "Makefile", ".github/workflows/ci.yml"}

// fill replaces each %s and %d in f, in order, and %% with %.
func fill(r *rng, f string) string {
	if !strings.Contains(f, "%") {
		return f
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 's':
			b.WriteString(pick(r, things))
		case 'd':
			b.WriteString(strconv.Itoa(r.between(1, 40000)))
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// commitMessage is a subject and, often, a body.
func commitMessage(r *rng) string {
	s := fill(r, pick(r, subjects))
	if r.permille(450) {
		return s
	}
	var b strings.Builder
	b.WriteString(s)
	b.WriteString("\n\n")
	for i, n := 0, r.between(1, 5); i < n; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fill(r, pick(r, bodyLines)))
	}
	return b.String()
}

// title is an issue or pull request title.
func title(r *rng) string { return fill(r, pick(r, subjects)) }

// body is a markdown body of skewed length; maxLines (at least 4) bounds it.
func body(r *rng, maxLines int) string {
	n := 0
	switch x := r.intn(100); {
	case x < 15:
		return ""
	case x < 60:
		n = r.between(1, 4)
	case x < 90:
		n = r.between(4, min(12, maxLines))
	default:
		n = r.between(min(12, maxLines), maxLines)
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if r.permille(300) {
				b.WriteString("\r\n\r\n")
			} else {
				b.WriteString("\n")
			}
		}
		b.WriteString(fill(r, pick(r, bodyLines)))
	}
	return b.String()
}

// hexString returns n random lower-case hex digits: a SHA.
func hexString(r *rng, n int) string {
	b := make([]byte, n)
	var x uint64
	for i := range b {
		if i%16 == 0 {
			x = r.u64()
		}
		b[i] = hexLower[x&15]
		x >>= 4
	}
	return string(b)
}
