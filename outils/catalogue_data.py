"""The académie's catalogue of tools, as shipped: pure data, no Django import.

Source: the training document of the académie d'Orléans-Tours (groupe de formateurs SES) on
distance teaching, second half ("Quelles applications utiliser pour respecter le RGPD ?", "Les
outils mobilisables dans l'ENT NetO'Centre" and the tutorials). The data migrations import this
module (it is pure data) through ``outils.catalogue.load_catalogue``; a new version of the
catalogue is shipped by editing this file and adding a migration that calls the loader again.

Each tool is keyed by its ``slug``, which never changes once shipped: schools' copies and local
settings refer to it.

A ruled-out tool lists every domain its links use (Discord's invitations are on discord.gg, its older
ones on discordapp.com, …): the link policy refuses them all, and no school may allow one of them or
give it to a tool of its own (``outils.domains``).
"""

# The word of the Dane (délégation académique au numérique), shown at the top of the catalogue.
DANE_ADVICE = (
    "D'une façon générale, la Dane conseille aux équipes des lycées d'utiliser les outils de NetO'Centre. "
    "Ils sont mis en œuvre par le GIP RECIA (Groupement d'intérêt public Région Centre Interactive) à la "
    "demande de la région Centre-Val de Loire en partenariat avec l'académie d'Orléans-Tours. Ces outils "
    "sont fiables et performants. Ils présentent une diversité de fonctionnalités. Ils permettent de mettre "
    "en œuvre, à l'échelle d'un lycée, la cohérence attendue par toute la communauté éducative."
)
DANE_ADVICE_SOURCE = (
    "Extrait du courrier envoyé par Pierre Cauty, délégué académique au numérique, aux proviseur·es le 9 novembre 2020."
)

ENT_URL = "https://lycees.netocentre.fr/"

# Rules shared by every virtual-class tool (section "Quels risques ?" of the seed).
VIRTUAL_CLASS_RULES = [
    "Les classes virtuelles ne doivent pas être enregistrées.",
    "Le règlement intérieur de l'établissement s'applique : l'élève qui capte l'image ou la voix de ses "
    "camarades ou de son enseignant est sanctionné.",
    "Il n'est pas nécessaire de demander une autorisation aux responsables légaux ni de recueillir le "
    "consentement de l'élève pour une classe virtuelle dans le cadre de l'enseignement à distance.",
    "Introduire de l'interaction : attribuer par exemple le rôle de présentateur à un élève.",
]

ENT_REASON = "Outil de l'ENT NetO'Centre, préconisé par la Dane : les élèves s'y connectent avec leur compte ENT."

# Field names follow ``outils.models.Tool``; ``needs`` and ``audiences`` use the codes of
# ``Need`` and ``Audience``; ``alternative`` is the slug of another shipped tool.
TOOLS = [
    {
        "slug": "pearltrees",
        "position": 10,
        "name": "Pearltrees",
        "summary": "Partager des documents dans une collection.",
        "description": "Pearltrees permet de partager des documents dans une collection, accessible depuis l'ENT.",
        "needs": ["documents"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr", "pearltrees.com"],
        "url": ENT_URL,
        "tutorials": [
            {"title": "Tutoriel Pearltrees", "kind": "video", "url": "https://www.youtube.com/watch?v=_ubsItykqhw"},
        ],
    },
    {
        "slug": "espace-stockage",
        "position": 20,
        "name": "Espace de stockage de l'ENT",
        "summary": "Mettre des documents à disposition des élèves et des collègues sur le réseau de l'établissement.",
        "description": (
            "L'espace de stockage permet de mettre à disposition des élèves et des collègues des documents "
            "sur le réseau de l'établissement."
        ),
        "needs": ["documents"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves", "personnels"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "cahier-de-textes",
        "position": 30,
        "name": "Cahier de textes (espace Vie Scolaire)",
        "summary": "Joindre des documents au cahier de textes de la classe.",
        "description": (
            "L'espace Vie Scolaire de l'ENT permet d'accéder au cahier de textes, dans lequel il est possible "
            "de joindre des documents."
        ),
        "needs": ["documents"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves", "parents"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr", "index-education.net"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "pronote",
        "position": 40,
        "name": "Pronote (espace Vie Scolaire)",
        "summary": "Communiquer avec les élèves et les parents depuis l'espace Vie Scolaire.",
        "description": (
            "L'espace Vie Scolaire de l'ENT permet d'accéder à Pronote, application depuis laquelle il est "
            "possible de communiquer avec les élèves et les parents."
        ),
        "needs": ["communication"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves", "parents", "personnels"],
        "limits": [],
        "rules": ["Contacter les parents en cas de décrochage."],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr", "index-education.net"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "moodle",
        "position": 50,
        "name": "Moodle",
        "summary": "Créer des espaces de cours en ligne avec des ressources variées et des activités interactives.",
        "description": (
            "Moodle permet de créer des espaces de cours en ligne avec des ressources variées (textes, images, "
            "fichiers audio et vidéo, etc.) et des activités interactives. Il intègre de nombreux services : "
            "devoirs avec remise en ligne, questionnaires et tests avec (auto)évaluation, classe virtuelle, "
            "écriture collaborative, forum, chat. Il permet aussi de mettre des documents à disposition dans un "
            "cours et de communiquer (messagerie NetO'Centre, chat) dans un cours."
        ),
        "needs": ["documents", "communication", "collaborative_writing", "courses"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [
            "Devoirs avec remise en ligne.",
            "Questionnaires et tests avec (auto)évaluation.",
            "Activité d'écriture collaborative à insérer dans un cours.",
            "Forum et chat dans un cours.",
        ],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "Comment créer un cours Moodle",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0134-comment-creer-un-cours-moodle/",
            },
            {
                "title": "11 tutoriels de débutants à avancés (SES, académie d'Orléans-Tours)",
                "kind": "page",
                "url": "https://www.ac-orleans-tours.fr/pedagogie/ses/enseigner_avec_le_numerique/logiciels_et_tutoriels/",
            },
            {
                "title": (
                    "Un exemple d'utilisation du test et de l'écriture collaborative avec des élèves de Terminale ES"
                ),
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0040-test-et-ecriture-collaborative-sur-le-moodle-de-lent/",
            },
        ],
    },
    {
        "slug": "nextcloud",
        "position": 60,
        "name": "Nextcloud",
        "summary": "Un espace de stockage distant pour déposer tous types de fichiers.",
        "description": (
            "Nextcloud est un espace de stockage distant pour déposer tous types de fichiers : document, "
            "image, audio, vidéo, etc."
        ),
        "needs": ["documents"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": ["15 Go par enseignant.", "1 Go par élève."],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "Démarrer avec l'outil Nextcloud de l'ENT",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0525-tutoriel-demarrer-avec-loutil-nextcloud-de-lent/",
            },
        ],
    },
    {
        "slug": "onlyoffice",
        "position": 70,
        "name": "OnlyOffice",
        "summary": "Une suite bureautique accessible depuis Nextcloud, avec édition collaborative.",
        "description": (
            "OnlyOffice, accessible depuis Nextcloud, est une suite bureautique (traitement de texte, tableur et "
            "présentation) qui propose un mode d'édition collaborative des documents."
        ),
        "needs": ["collaborative_writing"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": ["Accessible depuis Nextcloud."],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "etherpad",
        "position": 80,
        "name": "Etherpad",
        "summary": "Prendre des notes et écrire à plusieurs.",
        "description": "Etherpad est un outil de prise de notes et d'écriture collaborative.",
        "needs": ["collaborative_writing"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "Tutoriel : écriture collaborative",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0343-tutoriel-ecriture-collaborative/",
            },
            {
                "title": "Etherpad (fiche PDF)",
                "kind": "pdf",
                "url": "https://www.ac-orleans-tours.fr/fileadmin/user_upload/vie_numerique/Documents/ENT/Etherpad.pdf",
            },
        ],
    },
    {
        "slug": "chat",
        "position": 90,
        "name": "Chat de l'ENT",
        "summary": "Une messagerie instantanée entre les enseignants et les élèves.",
        "description": (
            "Le chat de l'ENT (Rocket.Chat) est un outil de messagerie instantanée entre les enseignants et les élèves."
        ),
        "needs": ["communication"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "Démarrer avec l'outil de chat de l'ENT",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0305-tutoriel-demarrer-avec-loutil-de-chat-de-lent/",
            },
            {
                "title": "Rocket.Chat (fiche PDF)",
                "kind": "pdf",
                "url": "https://www.ac-orleans-tours.fr/fileadmin/user_upload/vie_numerique/Documents/ENT/RocketChat.pdf",
            },
        ],
    },
    {
        "slug": "courriel",
        "position": 100,
        "name": "Mon courriel",
        "summary": "La messagerie électronique des élèves.",
        "description": "« Mon courriel » est la messagerie électronique des élèves dans l'ENT.",
        "needs": ["communication"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "annuaire",
        "position": 110,
        "name": "Annuaire de l'ENT",
        "summary": "Retrouver ses élèves, ses classes et ses groupes.",
        "description": "L'annuaire permet de retrouver ses élèves, ses classes et ses groupes.",
        "needs": ["communication"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "personnels"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [],
    },
    {
        "slug": "bigbluebutton-ent",
        "position": 120,
        "name": "BigBlueButton dans NetO'Centre",
        "summary": "La classe virtuelle de l'ENT, directement dans NetO'Centre, sans passer par Moodle.",
        "description": (
            "Depuis la semaine du 16 novembre 2020, l'outil de classe virtuelle BigBlueButton est accessible "
            "directement dans NetO'Centre : il n'est plus nécessaire de passer par Moodle, il suffit d'inviter "
            "les participants avec un simple lien. Voix et image sont diffusées. C'est la classe virtuelle que "
            "les lycées sont invités à privilégier : elle est pérenne."
        ),
        "needs": ["virtual_class"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [
            ENT_REASON,
            "Seuls les élèves authentifiés dans l'ENT peuvent y accéder, ce qui empêche les intrusions.",
        ],
        "audiences": ["enseignants", "eleves", "personnels"],
        "limits": [],
        "rules": ["Inviter les participants avec un simple lien depuis NetO'Centre.", *VIRTUAL_CLASS_RULES],
        "no_recording": True,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "Animer une classe virtuelle avec BigBlueButton",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/1051-animer-une-classe-virtuelle-avec-bigbluebutton/",
            },
        ],
    },
    {
        "slug": "bigbluebutton-moodle",
        "position": 130,
        "name": "BigBlueButton dans Moodle",
        "summary": "La classe virtuelle intégrée à un cours Moodle : voix et image, élèves authentifiés par l'ENT.",
        "description": (
            "BigBlueButton est un outil intégré dans Moodle qui permet de réaliser des temps de travail à distance "
            "avec ses élèves ou entre collègues, avec diffusion de la voix et de l'image."
        ),
        "needs": ["virtual_class"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [
            ENT_REASON,
            "Seuls les élèves authentifiés dans l'ENT peuvent y accéder, ce qui empêche les intrusions.",
        ],
        "audiences": ["enseignants", "eleves", "personnels"],
        "limits": [],
        "rules": ["Ajouter l'activité BigBlueButton dans un cours Moodle.", *VIRTUAL_CLASS_RULES],
        "no_recording": True,
        "allowed_domains": ["netocentre.fr"],
        "url": ENT_URL,
        "tutorials": [
            {
                "title": "4 minutes pour créer un cours Moodle et y ajouter l'activité BigBlueButton",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/1050-4-minutes-pour-creer-un-cours-moodle-et-y-ajouter-lactivite-bigbluebutton/",
            },
            {
                "title": "BigBlueButton dans Moodle (fiche PDF)",
                "kind": "pdf",
                "url": "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/tice/ressources/bigbluebutton/BigBlueButton_dans_Moodle.pdf",
            },
        ],
    },
    {
        "slug": "cned-classe-virtuelle",
        "position": 140,
        "name": "Classe virtuelle du CNED",
        "summary": "La classe virtuelle du CNED, hors de l'ENT : chaque élève crée un compte.",
        "description": (
            "L'outil de classe virtuelle du CNED, qui n'est pas accessible depuis l'ENT, est utilisable par les "
            "enseignants de l'académie ; il nécessite la création d'un compte par chaque élève afin de sécuriser "
            "les accès. Les lycées sont invités à privilégier la classe virtuelle de NetO'Centre, qui sera pérenne."
        ),
        "needs": ["virtual_class"],
        "hosting": "cned",
        "access_mode": "student_account",
        "gdpr_status": "possible",
        "gdpr_reasons": [
            "Service public (CNED) utilisable par les enseignants de l'académie.",
            "N'est pas accessible depuis l'ENT : chaque élève doit créer un compte, et la classe doit être "
            "sécurisée pour éviter les intrusions (voir le tutoriel).",
            "Les lycées sont invités à privilégier la classe virtuelle de NetO'Centre.",
        ],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": ["Sécuriser la classe virtuelle (voir le tutoriel).", *VIRTUAL_CLASS_RULES],
        "no_recording": True,
        "allowed_domains": ["cned.fr"],
        "url": "",
        "alternative": "bigbluebutton-ent",
        "tutorials": [
            {
                "title": "Sécuriser une classe virtuelle du CNED via Moodle (fiche PDF)",
                "kind": "pdf",
                "url": "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/continuite_pedagogique/S%C3%A9curiser_classe_virtuelle_CNED_via_Moodle.pdf",
            },
            {
                "title": "Organiser une classe virtuelle via le CNED",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0452-organiser-une-classe-virtuelle-via-le-cned/",
            },
            {
                "title": "CNED « Ma classe à la maison » : classes virtuelles (Dane de Versailles)",
                "kind": "page",
                "url": "http://www.dane.ac-versailles.fr/continuite-cned/cned-accompagnement-ma-classe-a-la-maison-classes-virtuelles",
            },
            {
                "title": "La classe virtuelle (fiche PDF)",
                "kind": "pdf",
                "url": "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/continuite_pedagogique/Classe_virtuelle.pdf",
            },
        ],
    },
    {
        "slug": "pod",
        "position": 150,
        "name": "Pod",
        "summary": "Diffuser une vidéo ou un extrait sonore en choisissant le public.",
        "description": (
            "Pod est l'outil de l'ENT qui permet aux enseignants de diffuser simplement, en choisissant le public, "
            "une vidéo ou un extrait sonore. Il est possible d'accompagner le travail des élèves sur les vidéos en "
            "ajoutant des commentaires, des sous-titres et des documents complémentaires."
        ),
        "needs": ["media"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": [ENT_REASON],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [
            "Choisir le public de chaque vidéo.",
            "On peut restreindre l'accès aux vidéos avec un mot de passe.",
            "Ajouter des commentaires, des sous-titres et des documents complémentaires.",
            "Intégrer les publications dans Moodle (URL ou code iframe).",
        ],
        "no_recording": False,
        "allowed_domains": ["netocentre.fr"],
        "url": "https://lycees.netocentre.fr/POD/",
        "tutorials": [
            {
                "title": "Utiliser Pod pour déposer une capsule de cours",
                "kind": "video",
                "url": "https://lycees.netocentre.fr/POD/video/0415-tutoriel-utiliser-pod-pour-deposer-une-capsule-de-cours/",
            },
        ],
    },
    {
        "slug": "peertube",
        "position": 160,
        "name": "PeerTube (apps.education.fr)",
        "summary": "Déposer, héberger et consulter des vidéos et des sons : le service du ministère.",
        "description": (
            "PeerTube est un logiciel libre, sous licence AGPLv3.0, d'hébergement de vidéo (et de fichier audio) "
            "créé en 2015 et soutenu par Framasoft. Ce service mis à disposition par le ministère de l'Éducation "
            "nationale permet de déposer, d'héberger et de consulter des médias audios et vidéos."
        ),
        "needs": ["media"],
        "hosting": "ministere",
        "access_mode": "link",
        "gdpr_status": "recommande",
        "gdpr_reasons": [
            "Service mis à disposition par le ministère de l'Éducation nationale.",
            "Il répond aux conditions préconisées dans le cadre du règlement général sur la protection des données "
            "(RGPD).",
        ],
        "audiences": ["enseignants", "eleves"],
        "limits": [],
        "rules": [
            "Partager les vidéos par URL, QR code ou code d'intégration.",
            "Il faut créer un compte pour accéder à chacune des plateformes.",
        ],
        "no_recording": False,
        "allowed_domains": ["apps.education.fr"],
        "url": "https://apps.education.fr/",
        "tutorials": [],
    },
    {
        "slug": "edubase",
        "position": 170,
        "name": "Edubase",
        "summary": "Des séquences numériques existantes, pour le travail en autonomie.",
        "description": (
            "Edubase (éduscol) recense des séquences et scénarios pédagogiques numériques existants, sur lesquels "
            "s'appuyer pour les temps asynchrones à distance."
        ),
        "needs": ["courses"],
        "hosting": "ministere",
        "access_mode": "link",
        "gdpr_status": "recommande",
        "gdpr_reasons": ["Service public du ministère (éduscol), consultable sans compte élève."],
        "audiences": ["enseignants"],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["eduscol.education.fr"],
        "url": (
            "https://edubase.eduscol.education.fr/recherche?discipline%5b0%5d="
            "Sciences%20%C3%A9conomiques%20et%20sociales"
        ),
        "tutorials": [],
    },
    {
        "slug": "discord",
        "position": 900,
        "name": "Discord",
        "summary": "Application de discussion très utilisée par les élèves pour les jeux en ligne : à proscrire.",
        "description": (
            "Discord est une application très utilisée par les élèves pour communiquer entre eux lorsqu'ils "
            "pratiquent des jeux en ligne. Sa performance, son ergonomie et son intuitivité ont pu séduire certains "
            "enseignants pour communiquer facilement avec les élèves, voire pour l'utiliser comme outil de classe "
            "virtuelle. Son utilisation est à proscrire."
        ),
        "needs": ["communication", "virtual_class"],
        "hosting": "outside",
        "access_mode": "student_account",
        "gdpr_status": "a_proscrire",
        "gdpr_reasons": [
            "La solution n'est pas prévue pour être utilisée autrement qu'à titre « personnel ».",
            "Le traitement des données personnelles ne peut se faire que sur la base du consentement ; celui-ci doit "
            "être libre, ce qui n'est pas le cas quand l'enseignant prescrit de s'inscrire sur un serveur privé.",
            "Une preuve du consentement des représentants légaux des mineurs de moins de 16 ans est indispensable.",
            "Le modèle économique pose question : la société trouve son financement dans la commercialisation des "
            "données de ses usagers.",
        ],
        "audiences": [],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["discord.com", "discord.gg", "discordapp.com", "discordapp.net", "discord.media", "dis.gd"],
        "url": "",
        "reference_url": "https://discord.com/privacy",
        "alternative": "chat",
        "tutorials": [],
    },
    {
        "slug": "whatsapp",
        "position": 910,
        "name": "WhatsApp",
        "summary": "Messagerie et appels vidéo grand public, liés au numéro de téléphone : à proscrire.",
        "description": (
            "WhatsApp est une messagerie grand public utilisée pour des groupes de classe ou des appels vidéo. "
            "Chaque membre d'un groupe voit le numéro de téléphone des autres. Son utilisation est à proscrire."
        ),
        "needs": ["communication", "virtual_class"],
        "hosting": "outside",
        "access_mode": "student_account",
        "gdpr_status": "a_proscrire",
        "gdpr_reasons": [
            "La solution n'est pas prévue pour être utilisée autrement qu'à titre « personnel ».",
            "Le numéro de téléphone de chaque élève et de chaque famille est visible de tous les membres du groupe.",
            "Le traitement des données personnelles ne peut se faire que sur la base du consentement ; celui-ci doit "
            "être libre, ce qui n'est pas le cas quand l'enseignant prescrit de rejoindre un groupe.",
            "Les métadonnées des échanges sont exploitées par la société qui édite l'application.",
        ],
        "audiences": [],
        "limits": [],
        "rules": [],
        "no_recording": False,
        "allowed_domains": ["whatsapp.com", "wa.me", "whatsapp.net"],
        "url": "",
        "reference_url": "https://www.whatsapp.com/legal/privacy-policy-eea",
        "alternative": "chat",
        "tutorials": [],
    },
]
