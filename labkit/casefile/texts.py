"""Fixed wording of case folders, in every supported language."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "evidence": "Evidence",
        "file": "File",
        "size": "Size (bytes)",
        "format": "Format",
        "integrity": (
            "Before you start, check that the evidence is intact: `sha256sum -c MANIFEST.sha256` "
            "(run in this folder) must report OK for every file. Work on copies; never change the originals."
        ),
        "tools": "Tools",
        "tools_text": (
            "`labkit disk info|ls|stat|cat|recover|hash` (see `labkit disk --help`), or The Sleuth Kit "
            "(`mmls`, `fls`, `istat`, `icat`), Autopsy, or any tool you trust. Record which tool showed each finding."
        ),
        "answers": "Your answers",
        "answers_text": "Write each answer in `answers.yaml` after the colon of its question, then hand the file in.",
        "estimated": "Estimated time",
        "minutes": "minutes",
        "level": "Level",
        "basic": "basic",
        "advanced": "advanced",
        "timezone_note": "The suspect's computer kept local time in the zone {zone}.",
        "timezone_note_hosts": "The hosts in this case kept local time in the zone {zone}.",
        "net_tools_text": (
            "`labkit net summary|conversations|dns|http|extract|creds|search` (see `labkit net --help`), or "
            "Wireshark / tshark. Capture times are UTC; the hosts' local zone is given above."
        ),
        "capture_format": "packet capture ({format})",
        "memory_format": "Linux RAM image ({format})",
        "symbols_format": "volatility3 symbol table (ISF) for the image's kernel",
        "mem_tools_text": (
            "`labkit mem PLUGIN` runs volatility3 with the case's symbol table (`labkit mem pslist`, `psscan`, "
            "`pstree`, `psaux`, `bash`, `lsof`, `sockstat`, `malfind`, `maps`, `envars`, `lsmod`, `kmsg`; "
            "`labkit mem --show-command pslist` prints the plain `vol` command), or call `vol -f IMAGE -s "
            "evidence/symbols PLUGIN` yourself. `labkit yara scan RULES TARGET` scans an image or a capture. "
            "volatility3 prints times in UTC."
        ),
    },
    "ru": {
        "evidence": "Доказательства",
        "file": "Файл",
        "size": "Размер (байт)",
        "format": "Формат",
        "integrity": (
            "Прежде чем начать, проверьте целостность доказательств: `sha256sum -c MANIFEST.sha256` "
            "(в этой папке) должна показать OK для каждого файла. Работайте с копиями; оригиналы не изменяйте."
        ),
        "tools": "Инструменты",
        "tools_text": (
            "`labkit disk info|ls|stat|cat|recover|hash` (см. `labkit disk --help`), либо The Sleuth Kit "
            "(`mmls`, `fls`, `istat`, `icat`), Autopsy или любой инструмент, которому вы доверяете. "
            "Отмечайте, каким инструментом получен каждый вывод."
        ),
        "answers": "Ваши ответы",
        "answers_text": "Впишите каждый ответ в `answers.yaml` после двоеточия у номера вопроса и сдайте файл.",
        "estimated": "Ориентировочное время",
        "minutes": "минут",
        "level": "Уровень",
        "basic": "базовый",
        "advanced": "продвинутый",
        "timezone_note": "Компьютер подозреваемого вёл местное время в часовом поясе {zone}.",
        "timezone_note_hosts": "Узлы в этом деле вели местное время в часовом поясе {zone}.",
        "net_tools_text": (
            "`labkit net summary|conversations|dns|http|extract|creds|search` (см. `labkit net --help`), либо "
            "Wireshark / tshark. Время в записи трафика — UTC; местный часовой пояс узлов указан выше."
        ),
        "capture_format": "запись сетевого трафика ({format})",
        "memory_format": "образ оперативной памяти Linux ({format})",
        "symbols_format": "таблица символов volatility3 (ISF) для этого ядра",
        "mem_tools_text": (
            "`labkit mem ПЛАГИН` запускает volatility3 с таблицей символов дела (`labkit mem pslist`, `psscan`, "
            "`pstree`, `psaux`, `bash`, `lsof`, `sockstat`, `malfind`, `maps`, `envars`, `lsmod`, `kmsg`; "
            "`labkit mem --show-command pslist` показывает обычную команду `vol`), либо вызовите "
            "`vol -f ОБРАЗ -s evidence/symbols ПЛАГИН` сами. `labkit yara scan ПРАВИЛА ЦЕЛЬ` проверяет образ "
            "или запись трафика правилами YARA. volatility3 выводит время в UTC."
        ),
    },
    "kk": {
        "evidence": "Дәлелдемелер",
        "file": "Файл",
        "size": "Өлшемі (байт)",
        "format": "Пішімі",
        "integrity": (
            "Бастамас бұрын дәлелдемелердің тұтастығын тексеріңіз: `sha256sum -c MANIFEST.sha256` "
            "(осы қалтада) әр файл үшін OK көрсетуі керек. Көшірмелермен жұмыс істеңіз; түпнұсқаларды өзгертпеңіз."
        ),
        "tools": "Құралдар",
        "tools_text": (
            "`labkit disk info|ls|stat|cat|recover|hash` (`labkit disk --help` қараңыз), немесе The Sleuth Kit "
            "(`mmls`, `fls`, `istat`, `icat`), Autopsy не өзіңіз сенетін кез келген құрал. "
            "Әр қорытындыны қай құрал көрсеткенін белгілеңіз."
        ),
        "answers": "Сіздің жауаптарыңыз",
        "answers_text": "Әр жауапты `answers.yaml` файлына сұрақ нөмірінен кейінгі қос нүктеден соң жазып, тапсырыңыз.",
        "estimated": "Болжамды уақыт",
        "minutes": "минут",
        "level": "Деңгейі",
        "basic": "базалық",
        "advanced": "жетілдірілген",
        "timezone_note": "Күдіктінің компьютері {zone} уақыт белдеуіндегі жергілікті уақытты жүргізген.",
        "timezone_note_hosts": "Осы істегі түйіндер {zone} уақыт белдеуіндегі жергілікті уақытты жүргізген.",
        "net_tools_text": (
            "`labkit net summary|conversations|dns|http|extract|creds|search` (`labkit net --help` қараңыз), "
            "немесе Wireshark / tshark. Трафик жазбасындағы уақыт — UTC; түйіндердің жергілікті белдеуі жоғарыда."
        ),
        "capture_format": "желі трафигінің жазбасы ({format})",
        "memory_format": "Linux жедел жадының бейнесі ({format})",
        "symbols_format": "осы ядроға арналған volatility3 символдар кестесі (ISF)",
        "mem_tools_text": (
            "`labkit mem ПЛАГИН` volatility3-ті іс символдар кестесімен іске қосады (`labkit mem pslist`, "
            "`psscan`, `pstree`, `psaux`, `bash`, `lsof`, `sockstat`, `malfind`, `maps`, `envars`, `lsmod`, "
            "`kmsg`; `labkit mem --show-command pslist` кәдімгі `vol` командасын көрсетеді), немесе "
            "`vol -f БЕЙНЕ -s evidence/symbols ПЛАГИН` өзіңіз шақырыңыз. `labkit yara scan ЕРЕЖЕЛЕР НЫСАНА` "
            "бейнені немесе трафик жазбасын YARA ережелерімен тексереді. volatility3 уақытты UTC бойынша шығарады."
        ),
    },
}


def text(lang: str, key: str) -> str:
    return TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
